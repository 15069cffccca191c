/**
 * FFmpeg: encodes an image sequence into a movie — the natural child job of a render. Job data:
 *   { "input": "/renders/sh010/f_%04d.png",   required; an ffmpeg image2 pattern; mapped
 *     "output": "/renders/sh010/sh010.mp4",    required; mapped
 *     "framerate": 24, "start_number": 1, "frames": 100,   frames (optional) makes progress exact
 *     "codec": "libx264", "pix_fmt": "yuv420p", "crf": 20, "extra_args": [], "ffmpeg": "ffmpeg" }
 * One process for the whole assignment; progress from ffmpeg's `-progress` output.
 */
import { CommandData, JobType } from 'drover/jobtype';

export class FFmpeg extends JobType {
  getCommandData() {
    const d = this.job.data ?? {};
    if (typeof d.input !== 'string' || typeof d.output !== 'string') {
      throw new Error('FFmpeg jobs need data.input (an image sequence pattern) and data.output (the movie)');
    }
    const args = ['-hide_banner', '-nostdin', '-y', '-framerate', d.framerate ?? 24];
    if (d.start_number !== undefined) args.push('-start_number', d.start_number);
    args.push('-i', this.mapPath(d.input));
    if (d.frames !== undefined) args.push('-frames:v', d.frames);
    args.push('-c:v', d.codec ?? 'libx264', '-pix_fmt', d.pix_fmt ?? 'yuv420p');
    if (d.crf !== undefined) args.push('-crf', d.crf);
    if ((d.codec ?? 'libx264') === 'libx264') args.push('-movflags', '+faststart');
    args.push(...(Array.isArray(d.extra_args) ? d.extra_args : []));
    args.push('-progress', 'pipe:1', '-nostats', this.mapPath(d.output));
    return new CommandData(d.ffmpeg ?? 'ffmpeg', args);
  }

  processStdoutLine(_process, line) {
    const frames = Number(this.job.data?.frames);
    const m = /^frame=(\d+)$/.exec(line);
    if (m && frames > 0)
      for (const task of this.tasks) this.setTaskProgress(task, Math.min(0.99, Number(m[1]) / frames));
  }
}

export default FFmpeg;
