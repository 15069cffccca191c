/**
 * Command: runs any program for the frames of a task. Job data:
 *   { "command": "prog", "args": ["--frame", "{frame}"], "cwd": "/optional/dir" }
 * `{frame}`, `{start}`, `{end}` and `{tile}` in the command and the arguments are replaced by the task's
 * values; `{frame:04}` pads with zeros. Without batching one process runs per task (one after another),
 * each settling its own task; when the job batches (`batch` > 1) one process runs for the whole batch,
 * with `{start}`/`{end}` the first and last frame. The job's `environ` is the process environment.
 */
import { CommandData, JobType } from 'drover/jobtype';

const PLACEHOLDER = /\{(frame|start|end|tile)(?::(0?)(\d+))?\}/g;

function format(value, zero, width) {
  if (value === undefined || value === null) return '';
  const text = String(value);
  return width ? text.padStart(Number(width), zero ? '0' : ' ') : text;
}

export class Command extends JobType {
  getCommandData() {
    const data = this.job.data ?? {};
    if (typeof data.command !== 'string' || data.command.trim() === '') {
      throw new Error('Command jobs need data.command: the program to run');
    }
    const args = data.args ?? [];
    if (!Array.isArray(args) || args.some((a) => typeof a !== 'string' && typeof a !== 'number')) {
      throw new Error('data.args must be a list of strings');
    }
    const cwd = typeof data.cwd === 'string' ? this.mapPath(data.cwd) : undefined;
    const fill = (text, values) =>
      String(text).replace(PLACEHOLDER, (_, name, zero, width) => format(values[name], zero, width));
    const build = (values, tasks) =>
      new CommandData(
        fill(data.command, values),
        args.map((a) => fill(a, values)),
        { cwd, tasks: tasks.map((t) => t.id), id: `frames ${values.start}-${values.end}` },
      );
    const frames = this.tasks.map((t) => t.frame);
    if ((this.job.batch ?? 1) > 1) {
      const first = this.tasks[0];
      return build(
        { frame: first.frame, start: Math.min(...frames), end: Math.max(...frames), tile: first.tile },
        this.tasks,
      );
    }
    return this.tasks.map((t) => build({ frame: t.frame, start: t.frame, end: t.frame, tile: t.tile }, [t]));
  }
}

export default Command;
