import { expect, test } from 'vitest';
import { collectHardware, factsFromRaw } from './hardware.js';

test('the probe process reads real facts of this machine', async () => {
  const h = await collectHardware();
  expect(h.cpus).toBeGreaterThan(0);
  expect(h.ramMb).toBeGreaterThan(16);
  expect(h.freeRamMb).toBeGreaterThan(0);
  expect(h.osClass).toBe('linux');
  expect(h.cpuName.length).toBeGreaterThan(0);
  for (const d of h.disks) expect(d.size).toBeGreaterThanOrEqual(d.free);
});

test('facts are filtered: loopback and zero MACs, pseudo file systems', () => {
  const h = factsFromRaw(
    {
      cpuName: 'AMD EPYC',
      total: 8 * 1024 ** 3,
      available: 4 * 1024 ** 3,
      osFullname: 'Debian GNU/Linux 12',
      nics: [
        { mac: '00:00:00:00:00:00', internal: true },
        { mac: 'AA:BB:CC:DD:EE:FF', internal: false },
        { mac: '00:00:00:00:00:00', internal: false },
      ],
      fs: [
        { type: 'ext4', mount: '/', size: 100, available: 40 },
        { type: 'tmpfs', mount: '/run', size: 10, available: 10 },
      ],
      gpus: ['NVIDIA RTX'],
    },
    'linux',
  );
  expect(h.macAddresses).toEqual(['aa:bb:cc:dd:ee:ff']);
  expect(h.disks).toEqual([{ mountpoint: '/', size: 100, free: 40 }]);
  expect(h.ramMb).toBe(8192);
  expect(h.freeRamMb).toBe(4096);
});
