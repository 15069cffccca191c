import { createSocket, type Socket } from 'node:dgram';
import { afterEach, expect, test } from 'vitest';
import { parseServer, queryNtpOffset, readNtpTime, TimeSyncError, writeNtpTime } from './sntp.js';

let server: Socket | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

/** A loopback SNTP server whose clock runs `skewMs` ahead of ours. */
async function fakeServer(skewMs: number, stratum = 2): Promise<number> {
  server = createSocket('udp4');
  server.on('message', (msg, rinfo) => {
    const reply = Buffer.alloc(48);
    reply[0] = (0 << 6) | (4 << 3) | 4;
    reply[1] = stratum;
    msg.copy(reply, 24, 40, 48); // originate = the client's transmit time
    writeNtpTime(reply, 32, Date.now() + skewMs);
    writeNtpTime(reply, 40, Date.now() + skewMs);
    server!.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => server!.bind(0, '127.0.0.1', r));
  return server.address().port;
}

test('NTP timestamps round-trip to the millisecond', () => {
  const buf = Buffer.alloc(8);
  const t = Date.UTC(2026, 10, 22, 6, 30, 0, 123);
  writeNtpTime(buf, 0, t);
  expect(Math.abs(readNtpTime(buf, 0) - t)).toBeLessThan(1);
});

test('the offset is measured against a real UDP server', async () => {
  const port = await fakeServer(5000);
  const offset = await queryNtpOffset({ server: `127.0.0.1:${port}`, timeoutMs: 2000 });
  expect(offset).toBeGreaterThan(4.9);
  expect(offset).toBeLessThan(5.1);
});

test('an unsynchronised server and a silent one are typed errors', async () => {
  const port = await fakeServer(0, 0);
  await expect(queryNtpOffset({ server: `127.0.0.1:${port}` })).rejects.toThrow(/not synchronised/);
  server!.close();
  server = createSocket('udp4');
  await new Promise<void>((r) => server!.bind(0, '127.0.0.1', r));
  const silent = server.address().port;
  await expect(queryNtpOffset({ server: `127.0.0.1:${silent}`, timeoutMs: 200 })).rejects.toBeInstanceOf(
    TimeSyncError,
  );
});

test('server strings', () => {
  expect(parseServer('pool.ntp.org')).toEqual({ host: 'pool.ntp.org', port: 123 });
  expect(parseServer('127.0.0.1:1234')).toEqual({ host: '127.0.0.1', port: 1234 });
  expect(parseServer('[::1]:99')).toEqual({ host: '::1', port: 99 });
  expect(() => parseServer('a:99999')).toThrow(TimeSyncError);
});
