/**
 * `drover fakerender` (the seed's pyfarm-dev-fakerender): pretends to render frames `-s`..`-e` by `-b`.
 * Per frame it prints `fakerender: frame N started`, progress lines, `fakerender: frame N done`, burning CPU
 * for `--duration` seconds (± `--duration-jitter`) while holding `--ram` MB (± `--ram-jitter`). `--spew`
 * replaces the CPU burn by writing random text to stdout as fast as the pipe takes it (for a duration, or
 * `--spew-bytes` in total) and reports the rate on stderr. `--segfault` gives each frame a 25% chance of a
 * SIGSEGV. The exit code is `--return-code`, or a random pick when given several times.
 */
import { randomInt } from 'node:crypto';
import { writeSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import type { CliPorts, CommandIO } from './cli-ports.js';

function number(name: string) {
  return (raw: string) => {
    const n = Number(raw);
    if (!Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number`);
    return n;
  };
}

function collectInt(raw: string, previous: number[] | undefined): number[] {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 255)
    throw new InvalidArgumentError('return codes are integers from 0 to 255');
  return [...(previous ?? []), n];
}

const jitter = (value: number, spread: number) => Math.max(0, value + (Math.random() * 2 - 1) * spread);

/** ~1 MiB of random printable lines of 40–160 characters, reused for every write. */
function spewBuffer(): Buffer {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,.;:-_=+/';
  const parts: string[] = [];
  let size = 0;
  while (size < 1024 * 1024) {
    let line = '';
    const length = 40 + randomInt(120);
    for (let i = 0; i < length; i++) line += alphabet[randomInt(alphabet.length)];
    parts.push(line);
    size += length + 1;
  }
  return Buffer.from(`${parts.join('\n')}\n`);
}

function writeAll(fd: number, buf: Buffer): void {
  let offset = 0;
  while (offset < buf.length) {
    try {
      offset += writeSync(fd, buf, offset);
    } catch (err) {
      // A non-blocking pipe that is full: wait until it drains (the consumer sets the pace).
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
}

export function registerFakerenderCommand(program: Command, io: CommandIO, ports: CliPorts): void {
  const CliExit = ports.exit;
  program
    .command('fakerender')
    .description('simulate a render: frames, CPU, RAM, output, return codes (development tool)')
    .option('--ram <mb>', 'RAM in MB to hold while rendering', number('--ram'), 25)
    .option('--duration <seconds>', 'seconds per frame', number('--duration'), 5)
    .option('--return-code <code>', 'exit code; repeat for a random pick', collectInt)
    .option(
      '--duration-jitter <seconds>',
      'randomly add or subtract up to this much per frame',
      number('--duration-jitter'),
      0,
    )
    .option('--ram-jitter <mb>', 'randomly add or subtract up to this much RAM', number('--ram-jitter'), 0)
    .requiredOption('-s, --start <frame>', 'first frame (also the last without -e)', number('--start'))
    .option('-e, --end <frame>', 'last frame', number('--end'))
    .option('-b, --by <n>', 'frame step', number('--by'), 1)
    .option('--spew', 'write random output to stdout as fast as possible instead of using CPU')
    .option(
      '--spew-bytes <bytes>',
      'with --spew: write this many bytes in total, then finish',
      number('--spew-bytes'),
    )
    .option('--segfault', 'each frame has a 25% chance of a segmentation fault')
    .action(
      async (o: {
        ram: number;
        duration: number;
        returnCode?: number[];
        durationJitter: number;
        ramJitter: number;
        start: number;
        end?: number;
        by: number;
        spew?: boolean;
        spewBytes?: number;
        segfault?: boolean;
      }) => {
        const end = o.end ?? o.start;
        if (end < o.start) throw CliExit(2, '--end must not be before --start');
        if (o.by <= 0) throw CliExit(2, '--by must be positive');
        const ramMb = Math.round(jitter(o.ram, o.ramJitter));
        // Touch every page so the memory is really resident.
        const held = ramMb > 0 ? Buffer.alloc(ramMb * 1024 * 1024, 1) : undefined;
        const say = (line: string) => io.stdout.write(`fakerender: ${line}\n`);
        say(`rendering frames ${o.start}-${end} by ${o.by} holding ${ramMb} MB`);
        const frames: number[] = [];
        for (let f = o.start; f <= end + 1e-9; f += o.by) frames.push(Math.round(f * 1e4) / 1e4);
        const spew = o.spew ? spewBuffer() : undefined;
        let spewed = 0;
        const spewStart = Date.now();
        for (const [index, frame] of frames.entries()) {
          say(`frame ${frame} started`);
          const duration = jitter(o.duration, o.durationJitter) * 1000;
          const startedAt = Date.now();
          if (spew) {
            const budget =
              o.spewBytes !== undefined
                ? Math.ceil((o.spewBytes - spewed) / (frames.length - index))
                : Infinity;
            let frameBytes = 0;
            do {
              const chunk =
                budget === Infinity ? spew : spew.subarray(0, Math.min(spew.length, budget - frameBytes));
              if (chunk.length === 0) break;
              writeAll(1, chunk);
              frameBytes += chunk.length;
            } while (budget === Infinity ? Date.now() - startedAt < duration : frameBytes < budget);
            spewed += frameBytes;
          } else {
            let reported = 0;
            while (Date.now() - startedAt < duration) {
              const sliceEnd = Math.min(Date.now() + 50, startedAt + duration);
              let x = 0;
              while (Date.now() < sliceEnd) x += Math.sqrt(x + 1);
              // Capped below 100 so that a starved process (a slice overshooting the end) still reports.
              const pct = Math.min(90, Math.floor(((Date.now() - startedAt) / duration) * 10) * 10);
              if (pct > reported) {
                reported = pct;
                say(`frame ${frame} progress ${pct}%`);
              }
              await new Promise((r) => setImmediate(r));
            }
          }
          if (o.segfault && Math.random() < 0.25) {
            io.stderr.write(`fakerender: segmentation fault in frame ${frame}\n`);
            process.kill(process.pid, 'SIGSEGV');
            await new Promise((r) => setTimeout(r, 1000));
          }
          say(`frame ${frame} done`);
        }
        if (spew) {
          const seconds = (Date.now() - spewStart) / 1000;
          io.stderr.write(
            `fakerender: spewed ${spewed} bytes in ${seconds.toFixed(3)} s (${(spewed / 1048576 / Math.max(seconds, 1e-6)).toFixed(1)} MB/s)\n`,
          );
        }
        void held;
        const codes = o.returnCode ?? [0];
        const code = codes[randomInt(codes.length)]!;
        if (code !== 0) throw CliExit(code);
      },
    );
}
