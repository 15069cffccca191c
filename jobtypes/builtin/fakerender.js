/**
 * FakeRender: runs `drover fakerender` for the assignment's frames, for testing a farm without a
 * renderer. Job data (all optional) mirrors the fakerender flags:
 *   { "duration": 5, "duration_jitter": 0, "ram": 25, "ram_jitter": 0, "return_code": 0 | [0, 1],
 *     "spew": false, "spew_bytes": null, "segfault": false }
 * Progress comes from fakerender's "frame N progress P%" lines; the tasks are done or failed when the
 * process ends (its return code decides).
 */
import { CommandData, JobType } from 'drover/jobtype';

const LINE = /^fakerender: frame (\S+) (started|done|progress (\d+)%)$/;

export class FakeRender extends JobType {
  getCommandData() {
    const d = this.job.data ?? {};
    const [node, ...drover] = this.node().droverCommand;
    const frames = this.tasks.map((t) => t.frame);
    const args = [
      ...drover,
      'fakerender',
      '-s',
      Math.min(...frames),
      '-e',
      Math.max(...frames),
      '-b',
      this.job.by ?? 1,
    ];
    const option = (key, flag) => {
      if (d[key] !== undefined && d[key] !== null) args.push(flag, d[key]);
    };
    option('duration', '--duration');
    option('duration_jitter', '--duration-jitter');
    option('ram', '--ram');
    option('ram_jitter', '--ram-jitter');
    option('spew_bytes', '--spew-bytes');
    for (const code of [].concat(d.return_code ?? [])) args.push('--return-code', code);
    if (d.spew) args.push('--spew');
    if (d.segfault) args.push('--segfault');
    return new CommandData(node, args);
  }

  processStdoutLine(_process, line) {
    const m = LINE.exec(line);
    if (!m) return;
    const task = this.tasks.find((t) => t.frame === Number(m[1]));
    if (!task) return;
    if (m[2] === 'started') this.setTaskProgress(task, 0);
    else if (m[3] !== undefined) this.setTaskProgress(task, Number(m[3]) / 100);
    else this.setTaskProgress(task, 1);
  }
}

export default FakeRender;
