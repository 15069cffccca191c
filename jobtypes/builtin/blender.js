/**
 * Blender: renders the assignment's frames of a .blend with `blender -b`. Job data:
 *   { "file": "/shots/sh010.blend",          required; mapped with the master's path maps
 *     "output": "/renders/sh010/f_####",     Blender's -o pattern (# = frame digits); mapped
 *     "format": "PNG", "engine": "CYCLES", "device": "CPU", "samples": 16, "threads": 0,
 *     "resolution_x": 1920, "resolution_y": 1080, "resolution_percentage": 100,
 *     "blender": "blender", "python_expr": "extra Python run after the scene setup" }
 * Contiguous frames render in one process (`-s -e -j -a`), others one process per frame (`-f`).
 * Debian's Blender is built without OpenImageDenoise, so Cycles denoising is switched off.
 * Progress comes from the `Fra:N … Sample a/b` lines; a frame's task is done as soon as Blender reports
 * it `Saved:`, so frames finished before a crash stay done.
 */
import { CommandData, JobType } from 'drover/jobtype';

const FRA = /^Fra:(\d+)\b/;
const SAMPLE = /\bSample (\d+)\/(\d+)/;
const SAVED = /^Saved: '/;

function setupScript(d) {
  const lines = ['import bpy', 's = bpy.context.scene'];
  const engine = d.engine ?? 'CYCLES';
  if (engine === 'CYCLES') {
    lines.push(`s.cycles.device = ${JSON.stringify(d.device ?? 'CPU')}`);
    lines.push('s.cycles.use_denoising = False');
    if (d.samples !== undefined) lines.push(`s.cycles.samples = ${Number(d.samples)}`);
  }
  if (d.resolution_x !== undefined) lines.push(`s.render.resolution_x = ${Number(d.resolution_x)}`);
  if (d.resolution_y !== undefined) lines.push(`s.render.resolution_y = ${Number(d.resolution_y)}`);
  if (d.resolution_percentage !== undefined)
    lines.push(`s.render.resolution_percentage = ${Number(d.resolution_percentage)}`);
  if (typeof d.python_expr === 'string') lines.push(d.python_expr);
  return lines.join('; ');
}

export class Blender extends JobType {
  currentFrame = undefined;

  getCommandData() {
    const d = this.job.data ?? {};
    if (typeof d.file !== 'string' || d.file === '')
      throw new Error('Blender jobs need data.file: the .blend to render');
    const base = [
      '-b',
      this.mapPath(d.file),
      '-noaudio',
      '-E',
      d.engine ?? 'CYCLES',
      '--python-expr',
      setupScript(d),
    ];
    if (typeof d.output === 'string') base.push('-o', this.mapPath(d.output));
    base.push('-F', d.format ?? 'PNG');
    if (d.threads !== undefined) base.push('-t', Number(d.threads));
    const blender = d.blender ?? 'blender';
    const by = Number(this.job.by ?? 1);
    const frames = this.tasks.map((t) => t.frame);
    const contiguous = frames.every((f, i) => i === 0 || Math.abs(f - frames[i - 1] - by) < 1e-9);
    if (contiguous && Number.isInteger(by)) {
      return new CommandData(blender, [
        ...base,
        '-s',
        frames[0],
        '-e',
        frames[frames.length - 1],
        '-j',
        by,
        '-a',
      ]);
    }
    return this.tasks.map((t) => new CommandData(blender, [...base, '-f', t.frame], { tasks: [t.id] }));
  }

  processStdoutLine(_process, line) {
    const fra = FRA.exec(line);
    if (fra) {
      this.currentFrame = Number(fra[1]);
      const task = this.taskOf(this.currentFrame);
      const sample = SAMPLE.exec(line);
      if (task && sample && Number(sample[2]) > 0)
        this.setTaskProgress(task, Math.min(0.99, Number(sample[1]) / Number(sample[2])));
      return;
    }
    if (SAVED.test(line) && this.currentFrame !== undefined) {
      const task = this.taskOf(this.currentFrame);
      if (task && this.getLocalTaskState(task.id) !== 'done') this.setTaskState(task, 'done');
    }
  }

  taskOf(frame) {
    return this.tasks.find((t) => Math.abs(t.frame - frame) < 1e-9);
  }
}

export default Blender;
