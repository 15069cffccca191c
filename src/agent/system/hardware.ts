/**
 * Facts about the machine, for the registration and the job types' `node()`: read through
 * systeminformation, which knows the per-OS sources (procfs, sysctl, WMI, lspci, system_profiler).
 * systeminformation is ~700 kB of code; loaded into the agent it would stay resident for the agent's
 * life, so it runs in a short-lived child process (`node -e`) that prints the facts as JSON. Free RAM,
 * needed often, is read in-process (`os.freemem()` is MemAvailable on Linux). A fact that cannot be read
 * is left out (GPUs, disks) rather than failing the agent's start.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { availableParallelism, freemem, platform, totalmem } from 'node:os';
import type { Disk } from '../../api/agent-protocol/index.js';
import { DroverError } from '../../core/errors.js';

export type OsClass = 'linux' | 'windows' | 'mac' | 'bsd' | 'other';

export interface Hardware {
  cpus: number;
  ramMb: number;
  freeRamMb: number;
  osClass: OsClass;
  osFullname: string;
  cpuName: string;
  macAddresses: string[];
  disks: Disk[];
  gpus: string[];
}

export class HardwareProbeError extends DroverError {
  readonly code = 'hardware_probe';
}

export function osClassOf(p: NodeJS.Platform): OsClass {
  if (p === 'linux') return 'linux';
  if (p === 'win32') return 'windows';
  if (p === 'darwin') return 'mac';
  if (p === 'freebsd' || p === 'openbsd' || p === 'netbsd') return 'bsd';
  return 'other';
}

const MB = 1024 * 1024;

/** Memory available to new processes without swapping (MemAvailable on Linux), in MB. */
export async function freeRamMb(): Promise<number> {
  return Math.floor(freemem() / MB);
}

/** Pseudo and special file systems whose size means nothing for render output. */
const IGNORED_FS =
  /^(tmpfs|devtmpfs|overlay|squashfs|proc|sysfs|cgroup2?|devpts|mqueue|nsfs|fuse\..*|autofs)$/;

/** Runs in the probe process with `require` = systeminformation's path in argv[1]; prints raw facts. */
const PROBE_SCRIPT = `
const si = require(process.argv[1]);
Promise.all([
  si.cpu(), si.mem(), si.osInfo(),
  si.networkInterfaces().catch(() => []),
  si.fsSize().catch(() => []),
  si.graphics().catch(() => ({ controllers: [] })),
]).then(([cpu, mem, os, nics, fs, graphics]) => {
  process.stdout.write(JSON.stringify({
    cpuName: [cpu.manufacturer, cpu.brand].filter(Boolean).join(' ').trim(),
    total: mem.total, available: mem.available,
    osFullname: [os.distro, os.release].filter(Boolean).join(' '),
    nics: (Array.isArray(nics) ? nics : [nics]).map((n) => ({ mac: n.mac, internal: n.internal })),
    fs: fs.map((d) => ({ type: d.type, mount: d.mount, size: d.size, available: d.available })),
    gpus: graphics.controllers.map((c) => [c.vendor, c.model].filter(Boolean).join(' ')).filter(Boolean),
  }));
}, (err) => { process.stderr.write(String(err && err.stack || err)); process.exit(1); });
`;

interface RawFacts {
  cpuName: string;
  total: number;
  available: number;
  osFullname: string;
  nics: { mac?: string; internal?: boolean }[];
  fs: { type: string; mount: string; size: number; available: number }[];
  gpus: string[];
}

export function factsFromRaw(raw: RawFacts, p: NodeJS.Platform = platform()): Hardware {
  const macs = new Set<string>();
  for (const nic of raw.nics) {
    const mac = nic.mac?.toLowerCase();
    if (!nic.internal && mac && /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(mac) && mac !== '00:00:00:00:00:00')
      macs.add(mac);
  }
  return {
    cpus: availableParallelism(),
    ramMb: Math.floor((raw.total || totalmem()) / MB),
    freeRamMb: Math.floor((raw.available || freemem()) / MB),
    osClass: osClassOf(p),
    osFullname: raw.osFullname.slice(0, 128) || p,
    cpuName: raw.cpuName.slice(0, 128) || 'unknown',
    macAddresses: [...macs],
    disks: raw.fs
      .filter((d) => !IGNORED_FS.test(d.type) && d.size > 0)
      .map((d) => ({
        mountpoint: d.mount,
        size: Math.round(d.size),
        free: Math.max(0, Math.round(d.available)),
      })),
    gpus: raw.gpus,
  };
}

export async function collectHardware(timeoutMs = 30_000): Promise<Hardware> {
  const siPath = createRequire(import.meta.url).resolve('systeminformation');
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      process.execPath,
      ['-e', PROBE_SCRIPT, siPath],
      { timeout: timeoutMs, maxBuffer: 4 * MB, env: { ...process.env, NODE_OPTIONS: '' } },
      (err, out, errText) => {
        if (err)
          reject(
            new HardwareProbeError(`reading the hardware facts failed: ${errText.trim() || err.message}`, {
              cause: err,
            }),
          );
        else resolve(out);
      },
    );
  });
  try {
    return factsFromRaw(JSON.parse(stdout) as RawFacts);
  } catch (err) {
    throw new HardwareProbeError(`the hardware probe printed no facts: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
