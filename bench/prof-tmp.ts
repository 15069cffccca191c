import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/core/config/index.js';
import { silentLogger } from '../src/core/logging.js';
import { createAgent } from '../src/db/agents/agent.repository.js';
import { createJobType } from '../src/db/jobtypes/jobtype.repository.js';
import { updateTasks, listTasks } from '../src/db/tasks/task.repository.js';
import { createAccountWithPassword, createApiToken } from '../src/master/auth/auth.service.js';
import { createMaster } from '../src/master/master.js';
const dir = mkdtempSync(join(tmpdir(), 'prof-'));
const { config } = loadConfig({ env: {}, cwd: dir, overrides: { database: `sqlite:///${join(dir, 'b.sqlite')}`, statistics_database: `sqlite:///${join(dir, 's.sqlite')}`, smtp_server: null } });
import pino from 'pino';
const stats = new Map<string, [number, number]>();
let collect = false;
const sink = { write(line: string) { if (!collect) return; const o = JSON.parse(line); if (o.msg !== 'sql') return; const k = o.sql.slice(0, 150); const e = stats.get(k) ?? [0, 0]; e[0]++; e[1] += o.durationMs; stats.set(k, e); } };
const logger = pino({ level: 'info' }, sink as any);
const master = await createMaster({ config: { ...config, echo_sql: process.argv[3] === 'sql' }, logger: logger as any, version: 'bench' });
const ctx = master.context;
await createAccountWithPassword(ctx, { username: 'a', password: 'bench password', roles: ['admin'] });
await createAccountWithPassword(ctx, { username: 'g', password: 'bench password', roles: ['agent'] });
const admin = (await createApiToken(ctx, { username: 'a', name: 'b', kind: 'api' })).token;
const agentToken = await createApiToken(ctx, { username: 'g', name: 'b', kind: 'agent' });
await createJobType(ctx.db, { name: 'jt' }, { code: 'x' });
const agent = await createAgent(ctx.db, { id: '6a4f7d0e-1b2c-4d3e-8f90-0123456789ab', hostname: 'h', port: 50000, ram: 16384, freeRam: 8000, cpus: 8, remoteIp: '10.0.0.9', tokenId: agentToken.record.id });
const inj = (method: any, url: string, token: string, payload?: any) => master.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
const res = await inj('POST', '/api/v1/jobs/', admin, { title: 'r', jobtype: 'jt', start: 1, end: 3000 });
const job = res.json();
const tasks = await listTasks(ctx.db, { jobId: job.id });
await updateTasks(ctx.db, tasks.map((t) => t.id), { agentId: agent.id });
const mode = process.argv[2] ?? 'report';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
const session = new Session(); session.connect();
if (process.env.PROF) { await session.post('Profiler.enable'); await session.post('Profiler.start'); }
collect = true;
const t0 = performance.now();
const c0 = process.cpuUsage();
let n = 0;
if (mode === 'report') {
  for (const t of tasks) {
    await inj('POST', `/api/v1/jobs/${job.id}/tasks/${t.id}`, agentToken.token, { state: 'running' });
    await inj('POST', `/api/v1/jobs/${job.id}/tasks/${t.id}`, agentToken.token, { state: 'done' });
    n += 2;
  }
} else if (mode === 'submit') {
  for (let i = 0; i < 100; i++) { await inj('POST', '/api/v1/jobs/', admin, { title: 's', jobtype: 'jt', start: 1, end: 1000 }); n++; }
} else if (mode === 'floor') {
  for (let i = 0; i < 6000; i++) { await inj('GET', '/api/v1/jobs/schema', agentToken.token); n++; }
} else if (mode === 'gettask') {
  for (const t of tasks) { await inj('GET', `/api/v1/jobs/${job.id}/tasks/${t.id}`, agentToken.token); n++; }
} else {
  for (let i = 0; i < 2000; i++) { await inj('GET', '/api/v1/jobs/', admin); n++; }
}
const s = (performance.now() - t0) / 1000;
if (process.env.PROF) { const { profile } = await session.post('Profiler.stop'); writeFileSync('/tmp/prof/loop.cpuprofile', JSON.stringify(profile)); }
const cpu = process.cpuUsage(c0);
console.log('cpu per op', ((cpu.user + cpu.system) / n).toFixed(0), 'us');
console.log(mode, n, 'in', s.toFixed(2), 's =', Math.round(n / s), '/s', ((s * 1000) / n).toFixed(3), 'ms each');
collect = false;
for (const [k, [n, ms]] of [...stats].sort((a, b) => b[1][1] - a[1][1]).slice(0, 25)) console.log(String(n).padStart(6), ms.toFixed(0).padStart(6), 'ms', (ms / n * 1000).toFixed(0).padStart(5), 'us', k);
await master.close();
