/**
 * `drover` from the TypeScript sources, for tests that need the command as a separate process (tree
 * mode runs `drover exec --gateway` on gateways): `node --import tsx test/helpers/drover-main.ts ...`.
 */
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
