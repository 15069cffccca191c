/**
 * The `ssh` transport: the system OpenSSH client, one connection per node (ClusterShell's WorkerSsh).
 * Options come from task info: `ssh_path`, `ssh_user`, `ssh_options` (placed first, so they override the
 * built-in ones), `connect_timeout`; copies use `scp` (`scp_path`, `scp_user`, `scp_options`). Password
 * and passphrase prompts are off (BatchMode): a node that needs one fails instead of hanging the run.
 */
import { basename, join } from 'node:path';
import { expandUser, quoteShellWord, splitShellWords } from '../shell-words.js';
import type { InfoReader, Transport } from '../transport.js';
import { processTransport } from './process-transport.js';

function words(value: unknown): string[] {
  return typeof value === 'string' && value.trim() ? splitShellWords(value).map(expandUser) : [];
}

/** ssh's ConnectTimeout is whole seconds; a fraction rounds up (0.5 must not mean "no timeout"). */
function connectTimeout(info: InfoReader): string[] {
  const seconds = Number(info('connect_timeout') ?? 0);
  return seconds > 0 ? [`-oConnectTimeout=${Math.ceil(seconds)}`] : [];
}

function sshPrefix(info: InfoReader): string[] {
  const argv = [...words(info('ssh_path') ?? 'ssh'), ...words(info('ssh_options'))];
  argv.push('-oForwardAgent=no', '-oForwardX11=no');
  const user = info('ssh_user');
  if (typeof user === 'string' && user) argv.push('-l', user);
  argv.push(...connectTimeout(info), '-oBatchMode=yes');
  return argv;
}

export const sshTransport: Transport = processTransport({
  name: 'ssh',
  copies: true,
  templates: false,
  buildCommand({ key, action, info }) {
    if (action.kind === 'shell') return { argv: [...sshPrefix(info), key, action.command] };
    const scpPath = info('scp_path') ?? 'scp';
    const user = info('scp_user') || info('ssh_user');
    const options = info('scp_options') || info('ssh_options');
    const argv = [...words(scpPath), ...words(options)];
    if (action.recursive) argv.push('-r');
    if (action.preserve) argv.push('-p');
    argv.push(...connectTimeout(info), '-oBatchMode=yes');
    const remote = (path: string): string =>
      `${typeof user === 'string' && user ? `${user}@` : ''}[${key}]:${path}`;
    if (action.reverse)
      argv.push(remote(action.source), join(action.dest, `${basename(action.source)}.${key}`));
    else argv.push(action.source, remote(action.dest));
    return { argv };
  },
  buildGatewayCommand(gateway, gatewayCommand, info) {
    // The gateway runs `drover exec --gateway` over ssh; its name travels too (the gateway may know
    // itself under another name than the topology uses).
    return {
      argv: [...sshPrefix(info), gateway, `${gatewayCommand} --gateway-name ${quoteShellWord(gateway)}`],
    };
  },
});
