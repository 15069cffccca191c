/**
 * A real master on SQLite listening on a loopback port, for client CLI tests: the CLI under test talks
 * HTTP to it exactly as it would to a remote farm. Each user of the test master (admin, wrangler, artist,
 * agent; password TEST_PASSWORD) and its API token is available.
 *
 *   const farm = await startListeningMaster();
 *   const env = farm.env('artist');            // DROVER_MASTER + DROVER_TOKEN for the artist
 *   await runCli(['jobs'], { env });
 *   await farm.close();
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Role } from '../../src/master/http/access.js';
import { createTestDatabase } from '../support/databases.js';
import { createTestMaster, type TestMaster, type TestMasterOptions } from '../support/master.js';

export interface ListeningMaster {
  readonly url: string;
  readonly farm: TestMaster;
  /** A scratch HOME/XDG_CONFIG_HOME for the CLI, so that tests never touch the real credentials file. */
  readonly home: string;
  /** Environment for `runCli`: the master URL, a private config dir and (unless anonymous) a role's token. */
  env(as?: Role | 'anonymous' | 'stored'): NodeJS.ProcessEnv;
  close(): Promise<void>;
}

export async function startListeningMaster(options: TestMasterOptions = {}): Promise<ListeningMaster> {
  const database = await createTestDatabase('sqlite');
  const farm = await createTestMaster(database, options);
  const url = await farm.master.listen('127.0.0.1', 0);
  const home = mkdtempSync(join(tmpdir(), 'drover-cli-home-'));
  return {
    url,
    farm,
    home,
    env(as = 'anonymous') {
      const base = { HOME: home, XDG_CONFIG_HOME: join(home, '.config'), DROVER_MASTER: url };
      if (as === 'anonymous' || as === 'stored') return base;
      return { ...base, DROVER_TOKEN: farm.tokens[as] };
    },
    async close() {
      await farm.close();
      await database.destroy();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
