/**
 * The `exec` transport: runs the command locally, once per node, with `%h`/`%n` filled in (ClusterShell's
 * ExecWorker, `clush -R exec`). Useful to drive per-node local tools (`ipmitool -H %h`), and as the
 * reference transport in tests. Copies run `cp`. The connect timeout does not apply.
 */
import { basename, join } from 'node:path';
import { CommandTemplate, renderTemplate } from '../command-template.js';
import { quoteShellWord } from '../shell-words.js';
import type { Transport } from '../transport.js';
import { processTransport } from './process-transport.js';

export const execTransport: Transport = processTransport({
  name: 'exec',
  copies: true,
  templates: true,
  buildCommand({ key, rank, action }) {
    if (action.kind === 'shell') return { shell: CommandTemplate.parse(action.command).render(key, rank) };
    const source = renderTemplate(action.source, key, rank);
    const dest = renderTemplate(action.dest, key, rank);
    const argv = ['cp'];
    if (action.recursive) argv.push('-r');
    if (action.preserve) argv.push('-p');
    // rcopy gathers every node's copy into the local directory as <name>.<node>, like scp does.
    if (action.reverse) argv.push(source, join(dest, `${basename(source)}.${key}`));
    else argv.push(source, dest);
    return { argv };
  },
  buildGatewayCommand(gateway, gatewayCommand) {
    // A "local gateway": the gateway program runs here, told which name it stands for.
    return { shell: `${gatewayCommand} --gateway-name ${quoteShellWord(gateway)}` };
  },
});
