/**
 * `drover logs -f` on a master without the live log stream: the CLI polls the stored log file (a 307 while
 * the log is still on its agent) until the task has finished and the file is in, printing each line once.
 * The master is a scripted HTTP server on loopback that plays a task going from running to done.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

let server: Server;
let url: string;
const requests: string[] = [];
let polls = 0;

const task = (state: string) => ({ id: 7, job_id: 3, frame: 1, state, attempts: 1, progress: 0 });
const csv = (lines: number) =>
  Array.from({ length: lines }, (_, i) => `2026-01-01T00:00:0${i}.000Z,9,0,${i + 1},line ${i + 1}\r\n`).join(
    '',
  );

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '';
    requests.push(`${req.method} ${path}`);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (path === '/api/v1/jobs/3/tasks/') return json(200, [task('running')]);
    if (path === '/api/v1/jobs/3/tasks/7') return json(200, task(polls >= 3 ? 'done' : 'running'));
    if (path === '/api/v1/jobs/3/tasks/7/attempts/1/logs/') {
      return json(200, [{ identifier: 'a.csv', agent_id: null, created_on: '2026-01-01T00:00:00.000Z' }]);
    }
    if (path.startsWith('/api/v1/task_logs/')) return json(404, { error: `no such route: GET ${path}` });
    if (path === '/api/v1/jobs/3/tasks/7/attempts/1/logs/a.csv/logfile') {
      polls++;
      // On the agent for the first two polls, then uploaded twice: first partly, then whole.
      if (polls <= 2) {
        res.writeHead(307, { location: 'http://agent.invalid/api/v1/task_logs/a.csv' });
        return res.end();
      }
      res.writeHead(200, { 'content-type': 'text/csv' });
      return res.end(csv(polls === 3 ? 2 : 3));
    }
    json(404, { error: `no such route: ${req.method} ${path}` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('drover logs -f without the live stream', () => {
  it('polls the stored log until the task is done and prints every line once', async () => {
    const result = await runCli(['logs', '3', '1', '-f', '--master', url], { env: { DROVER_TOKEN: 't' } });
    expect(result).toMatchObject({ code: 0, stdout: 'line 1\nline 2\nline 3\n', stderr: '' });
    expect(polls).toBe(4);
    // The redirect to the agent is never followed (the agent would refuse the user's token).
    expect(requests.some((r) => r.includes('agent.invalid'))).toBe(false);
  }, 30_000);

  it('without -f, says the log is still on its agent', async () => {
    polls = 0;
    const result = await runCli(['logs', '3', '1', '--master', url], { env: { DROVER_TOKEN: 't' } });
    expect(result).toMatchObject({
      code: 1,
      stderr: 'drover: the log of frame 1 is still on its agent; follow it with -f\n',
    });
  });
});
