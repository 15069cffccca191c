/**
 * `drover exec --gateway [--gateway-name NAME]`: the program a task starts on a gateway node in tree
 * mode (over ssh, or locally with the exec transport). It speaks the gateway protocol on its standard
 * input and output (src/exec/tree/gateway-protocol.ts); it is not meant to be run by hand.
 */
import { execTransport, runGateway, shortHostname, sshTransport } from '../../exec/index.js';
import type { CliIO } from '../io.js';
import type { ExecOptions } from './exec-options.js';

export async function runGatewayCommand(options: ExecOptions, io: CliIO): Promise<number> {
  try {
    return await runGateway({
      name: options.gatewayName ?? shortHostname(),
      input: io.stdin,
      write: (text) => io.stdout.write(text),
      transports: { exec: execTransport, ssh: sshTransport },
    });
  } finally {
    // The caller may keep our input open; the work is done, so stop reading it and let the process end.
    (io.stdin as { destroy?: () => void }).destroy?.();
  }
}
