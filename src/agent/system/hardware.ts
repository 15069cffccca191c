/**
 * Facts about the machine, for the registration and the job types' `node()`: read through
 * systeminformation, which knows the per-OS sources (procfs, sysctl, WMI, lspci, system_profiler).
 * A fact that cannot be read is left out (GPUs, disks) rather than failing the agent's start.
 */
import { availableParallelism, totalmem } from 'node:os';
import si from 'systeminformation';
import type { Disk } from '../../api/agent-protocol/index.js';

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

export function osClassOf(platform: NodeJS.Platform): OsClass {
  if (platform === 'linux') return 'linux';
  if (platform === 'win32') return 'windows';
  if (platform === 'darwin') return 'mac';
  if (platform === 'freebsd' || platform === 'openbsd' || platform === 'netbsd') return 'bsd';
  return 'other';
}

const MB = 1024 * 1024;

/** Memory available to new processes without swapping (MemAvailable on Linux), in MB. */
export async function freeRamMb(): Promise<number> {
  const mem = await si.mem();
  return Math.floor(mem.available / MB);
}

/** Pseudo and special file systems whose size means nothing for render output. */
const IGNORED_FS = /^(tmpfs|devtmpfs|overlay|squashfs|proc|sysfs|cgroup2?|devpts|mqueue|nsfs|fuse\..*|autofs)$/;

export async function collectHardware(): Promise<Hardware> {
  const [cpu, mem, os, nics, fs, graphics] = await Promise.all([
    si.cpu(),
    si.mem(),
    si.osInfo(),
    si.networkInterfaces().catch(() => []),
    si.fsSize().catch(() => []),
    si.graphics().catch(() => ({ controllers: [] })),
  ]);
  const macs = new Set<string>();
  for (const nic of Array.isArray(nics) ? nics : [nics]) {
    const mac = nic.mac?.toLowerCase();
    if (!nic.internal && mac && /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(mac) && mac !== '00:00:00:00:00:00') {
      macs.add(mac);
    }
  }
  const disks: Disk[] = fs
    .filter((d) => !IGNORED_FS.test(d.type) && d.size > 0)
    .map((d) => ({ mountpoint: d.mount, size: Math.round(d.size), free: Math.max(0, Math.round(d.available)) }));
  const cpuName = [cpu.manufacturer, cpu.brand].filter(Boolean).join(' ').trim();
  return {
    cpus: availableParallelism(),
    ramMb: Math.floor((mem.total || totalmem()) / MB),
    freeRamMb: Math.floor(mem.available / MB),
    osClass: osClassOf(process.platform),
    osFullname: [os.distro, os.release].filter(Boolean).join(' ').slice(0, 128) || process.platform,
    cpuName: cpuName.slice(0, 128) || 'unknown',
    macAddresses: [...macs],
    disks,
    gpus: graphics.controllers.map((c) => [c.vendor, c.model].filter(Boolean).join(' ')).filter(Boolean),
  };
}
