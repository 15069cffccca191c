/**
 * A private OpenSSH server on loopback for the ssh transport's tests (the setup of
 * ../shared/research/stack.md §4): fresh host and client keys in a temporary directory, key-only login
 * for the current user, on a port picked free just before. Every node name reaches it, because the
 * client options force `HostName=127.0.0.1`.
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  copyFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface Sshd {
  port: number;
  dir: string;
  /** `ssh_options` that reach this server for any node name. */
  sshOptions: string;
  stop(): Promise<void>;
}

export const SSHD = '/usr/sbin/sshd';
export const skipSsh = process.env.DROVER_TEST_SKIP_SSH === '1';

/** Fails loudly when sshd is missing and skipping was not asked for. */
export function requireSshd(): void {
  if (!skipSsh && !existsSync(SSHD)) {
    throw new Error(
      `${SSHD} is missing: install openssh-server or set DROVER_TEST_SKIP_SSH=1 to skip the ssh tests`,
    );
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, deadline: number): Promise<void> {
  const { connect } = await import('node:net');
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`sshd did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startSshd(): Promise<Sshd> {
  const dir = mkdtempSync(join(tmpdir(), 'drover-sshd-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_ed25519')]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'id_ed25519')]);
  copyFileSync(join(dir, 'id_ed25519.pub'), join(dir, 'authorized_keys'));
  mkdirSync('/run/sshd', { recursive: true });
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const config = join(dir, 'sshd_config');
    writeFileSync(
      config,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${join(dir, 'host_ed25519')}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        'PermitRootLogin prohibit-password',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'StrictModes no',
        'MaxStartups 200',
        'MaxSessions 200',
        // scp speaks SFTP since OpenSSH 9.
        'Subsystem sftp internal-sftp',
        `AllowUsers ${userInfo().username}`,
        '',
      ].join('\n'),
    );
    // -D: stay in the foreground as our child, so the test owns its lifetime.
    const child = spawn(SSHD, ['-D', '-f', config, '-E', join(dir, 'sshd.log')], { stdio: 'ignore' });
    try {
      await Promise.race([
        waitForPort(port, Date.now() + 10_000),
        new Promise((_, reject) =>
          child.once('exit', (code) => reject(new Error(`sshd exited with ${code}`))),
        ),
      ]);
    } catch (error) {
      lastError = error;
      child.kill('SIGKILL');
      continue;
    }
    const sshOptions = [
      `-oHostName=127.0.0.1`,
      `-oPort=${port}`,
      `-i ${join(dir, 'id_ed25519')}`,
      '-oStrictHostKeyChecking=no',
      '-oUserKnownHostsFile=/dev/null',
      '-oLogLevel=ERROR',
      '-oIdentitiesOnly=yes',
    ].join(' ');
    return {
      port,
      dir,
      sshOptions,
      stop: async () => {
        if (child.exitCode === null) {
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          await exited;
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const log = existsSync(join(dir, 'sshd.log')) ? readFileSync(join(dir, 'sshd.log'), 'utf8') : '';
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`could not start sshd: ${String(lastError)}\n${log}`);
}
