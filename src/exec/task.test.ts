/**
 * The Task engine: scheduling within the fanout, event order, timeouts, results, timers, ports,
 * suspend/resume, abort and failures. A scripted transport stands in for processes where exact timing
 * and concurrency must be observed; real processes (the exec transport) check the rest.
 */
import { describe, expect, it } from 'vitest';
import { AlreadyRunningError, MsgTreeDisabledError, TaskTimeoutError, WorkerError } from './errors.js';
import type { EventHandler } from './event-handler.js';
import { Task } from './task.js';
import type { RunRequest, Transport } from './transport.js';
import { execTransport } from './transports/exec-transport.js';
import type { Worker } from './worker.js';

interface Script {
  lines?: string[];
  stderr?: string[];
  rc?: number;
  /** Milliseconds before the output and the end. */
  delay?: number;
  /** Never ends on its own. */
  hang?: boolean;
}

/** A transport whose "commands" follow a script; it records how many ran at once. */
function scripted(
  script: (request: RunRequest) => Script,
): Transport & { maxRunning: number; started: string[] } {
  let running = 0;
  const transport = {
    name: 'scripted',
    copies: false,
    templates: false,
    maxRunning: 0,
    started: [] as string[],
    start(request: RunRequest, sink: Parameters<Transport['start']>[1]) {
      const s = script(request);
      running += 1;
      transport.maxRunning = Math.max(transport.maxRunning, running);
      transport.started.push(request.key);
      let done = false;
      const finish = (end: Parameters<typeof sink.end>[0]): void => {
        if (done) return;
        done = true;
        running -= 1;
        sink.end(end);
      };
      const timer = s.hang
        ? undefined
        : setTimeout(() => {
            for (const line of s.lines ?? []) sink.output('stdout', Buffer.from(`${line}\n`));
            for (const line of s.stderr ?? [])
              sink.output(request.stderr ? 'stderr' : 'stdout', Buffer.from(`${line}\n`));
            finish({ kind: 'exit', rc: s.rc ?? 0 });
          }, s.delay ?? 1);
      return {
        write: () => {},
        endInput: () => {},
        kill: () => {
          if (timer) clearTimeout(timer);
          setImmediate(() => finish({ kind: 'killed' }));
        },
        pause: () => {},
        resume: () => {},
      };
    },
    startGateway(): never {
      throw new Error('no gateways here');
    },
  };
  return transport;
}

function taskWith(transport: Transport, info: Record<string, unknown> = {}): Task {
  return new Task({ info, defaults: { distant_worker: transport } });
}

describe('Task scheduling', () => {
  it('never runs more commands at once than the fanout', async () => {
    const transport = scripted(() => ({ delay: 5 }));
    const task = taskWith(transport, { fanout: 4 });
    task.shell('x', { nodes: 'n[1-20]' });
    await task.run();
    expect(transport.maxRunning).toBe(4);
    expect(transport.started).toHaveLength(20);
    expect([...task.iterRetcodes()]).toEqual([[0, transport.started]]);
  });

  it('starts work scheduled from a handler while running', async () => {
    const transport = scripted(() => ({ lines: ['x'] }));
    const task = taskWith(transport);
    const seen: string[] = [];
    task.shell('first', {
      nodes: 'a1',
      handler: {
        close: () => {
          task.shell('second', { nodes: 'b1', handler: { close: () => seen.push('second closed') } });
        },
      },
    });
    await task.run();
    expect(seen).toEqual(['second closed']);
    expect(task.nodeRetcode('b1')).toBe(0);
  });

  it('refuses a second run while running, and a worker scheduled twice', async () => {
    const task = taskWith(scripted(() => ({ delay: 20 })));
    const worker = task.shell('x', { nodes: 'n1' });
    const first = task.run();
    await expect(task.run()).rejects.toBeInstanceOf(AlreadyRunningError);
    await first;
    expect(() => task.schedule(worker)).toThrow(WorkerError);
  });
});

describe('Task events and results', () => {
  it('delivers start, pickup, read, hangup per node, then close once', async () => {
    const transport = scripted((r) => ({
      lines: [`out ${r.key}`],
      stderr: [`err ${r.key}`],
      rc: r.key === 'n2' ? 3 : 0,
    }));
    const task = taskWith(transport);
    const events: string[] = [];
    const handler: EventHandler = {
      start: () => events.push('start'),
      pickup: (_w, node) => events.push(`pickup ${node}`),
      read: (_w, node, stream, line) => events.push(`read ${node} ${stream} ${line.toString()}`),
      error: (_w, node) => events.push(`error ${node}`),
      hangup: (_w, node, rc) => events.push(`hangup ${node} ${rc}`),
      close: (_w, timedout) => events.push(`close ${timedout}`),
    };
    task.shell('x', { nodes: 'n[1-2]', handler, stderr: true });
    await task.run();
    expect(events[0]).toBe('start');
    expect(events.filter((e) => e.startsWith('start'))).toHaveLength(1);
    expect(events.at(-1)).toBe('close false');
    for (const node of ['n1', 'n2']) {
      const at = (prefix: string) => events.indexOf(events.find((e) => e.startsWith(`${prefix} ${node}`))!);
      expect(at('pickup')).toBeLessThan(at('read'));
      expect(at('read')).toBeLessThan(at('hangup'));
    }
    expect(events).toContain('read n1 stderr err n1');
    expect(events).toContain('error n1');
    expect(task.nodeRetcode('n2')).toBe(3);
    expect(task.maxRetcode()).toBe(3);
    expect(task.nodeBuffer('n1').toString()).toBe('out n1');
    expect(task.nodeError('n2').toString()).toBe('err n2');
    expect(task.nodeRetcode('unknown')).toBeUndefined();
  });

  it('kills commands past their timeout: no return code, timeout listed, close(timedout)', async () => {
    const transport = scripted((r) => (r.key === 'n1' ? { lines: ['quick'] } : { hang: true }));
    const task = taskWith(transport);
    const events: string[] = [];
    task.shell('x', {
      nodes: 'n[1-3]',
      timeout: 0.05,
      handler: { timeout: () => events.push('timeout'), close: (_w, t) => events.push(`close ${t}`) },
    });
    await task.run();
    expect(events).toEqual(['timeout', 'close true']);
    expect(task.numTimeout()).toBe(2);
    expect([...task.iterKeysTimeout()].sort()).toEqual(['n2', 'n3']);
    expect([...task.iterRetcodes()]).toEqual([[0, ['n1']]]);
    expect(task.nodeRetcode('n2')).toBeUndefined();
  });

  it('applies command_timeout when the worker sets none; maxRetcode is undefined when all timed out', async () => {
    const task = taskWith(
      scripted(() => ({ hang: true })),
      { command_timeout: 0.05 },
    );
    const worker = task.shell('x', { nodes: 'n[1-2]' });
    await task.run();
    expect(worker.numTimeout()).toBe(2);
    expect(task.maxRetcode()).toBeUndefined();
  });

  it('gathers identical buffers and filters by node; per-worker getters see only their worker', async () => {
    const transport = scripted((r) => ({ lines: r.key === 'n3' ? ['other'] : ['same', 'lines'] }));
    const task = taskWith(transport);
    const w1 = task.shell('x', { nodes: 'n[1-3]' });
    const w2 = task.shell('y', { nodes: 'm1' });
    await task.run();
    const gathered = [...task.iterBuffers()].map(({ message, keys }) => [message.toString(), keys.sort()]);
    expect(gathered).toContainEqual(['same\nlines', ['m1', 'n1', 'n2']]);
    expect([...task.iterBuffers(['n3'])].map((g) => g.keys)).toEqual([['n3']]);
    expect([...w1.iterBuffers()].map((g) => g.nodes.toString()).sort()).toEqual(['n3', 'n[1-2]']);
    expect([...w2.iterRetcodes()].map(([rc, nodes]) => [rc, nodes.toString()])).toEqual([[0, 'm1']]);
    expect(w1.nodeBuffer('n3')?.toString()).toBe('other');
    expect(w1.nodeBuffer('m1')).toBeUndefined();
  });

  it('does not keep output when told not to', async () => {
    const task = taskWith(scripted(() => ({ lines: ['x'] })));
    task.setDefault('stdout_msgtree', false);
    const lines: string[] = [];
    task.shell('x', { nodes: 'n1', handler: { read: (_w, _n, _s, line) => lines.push(line.toString()) } });
    await task.run();
    expect(lines).toEqual(['x']);
    expect(() => [...task.iterBuffers()]).toThrow(MsgTreeDisabledError);
  });

  it('resets results when a new run starts', async () => {
    const task = taskWith(scripted(() => ({ rc: 5 })));
    task.shell('x', { nodes: 'n1' });
    await task.run();
    expect(task.maxRetcode()).toBe(5);
    await task.run();
    expect(task.maxRetcode()).toBeUndefined();
  });
});

describe('Task timers, ports, suspend, abort, failures', () => {
  it('fires a one-shot timer, repeats an interval timer until invalidated; a timer holds the run', async () => {
    const task = taskWith(scripted(() => ({})));
    const fired: string[] = [];
    task.timer(0.01, { timer: () => fired.push('once') });
    let ticks = 0;
    task.timer(
      0.005,
      {
        timer: (timer) => {
          ticks += 1;
          if (ticks === 3) timer.invalidate();
        },
      },
      { interval: 0.005 },
    );
    await task.run();
    expect(fired).toEqual(['once']);
    expect(ticks).toBe(3);
  });

  it('an autoclose timer dies with the last real work', async () => {
    const task = taskWith(scripted(() => ({ delay: 5 })));
    let ticks = 0;
    const timer = task.timer(0.001, { timer: () => (ticks += 1) }, { interval: 0.001, autoclose: true });
    task.shell('x', { nodes: 'n1' });
    await task.run();
    expect(timer.isValid()).toBe(false);
    expect(ticks).toBeGreaterThan(0);
  });

  it('delivers port messages inside the task; deliver() resolves once handled', async () => {
    const task = taskWith(scripted(() => ({ delay: 30 })));
    const received: unknown[] = [];
    const port = task.port({ message: (_p, msg) => received.push(msg) }, { autoclose: true });
    task.shell('x', { nodes: 'n1' });
    const run = task.run();
    expect(await port.deliver('hello')).toBe(true);
    expect(port.send({ n: 2 })).toBe(true);
    await run;
    expect(received).toEqual(['hello', { n: 2 }]);
    expect(port.isClosed).toBe(true);
    expect(port.send('late')).toBe(false);
  });

  it('a port without handler is read with receive(); a non-autoclose port holds the run until closed', async () => {
    const task = taskWith(scripted(() => ({})));
    const port = task.port();
    const run = task.run();
    port.send('ping');
    expect(await port.receive()).toBe('ping');
    port.close();
    await run;
  });

  it('suspend holds events and new commands until resume', async () => {
    const transport = scripted(() => ({ delay: 5 }));
    const task = taskWith(transport, { fanout: 1 });
    expect(task.suspend()).toBe(false);
    const closed: string[] = [];
    task.shell('x', { nodes: 'n[1-3]', handler: { hangup: (_w, node) => closed.push(node) } });
    const run = task.run();
    expect(task.suspend()).toBe(true);
    await new Promise((r) => setTimeout(r, 40));
    expect(closed).toEqual([]);
    expect(transport.started).toHaveLength(1);
    await task.resume();
    await run;
    expect(closed).toEqual(['n1', 'n2', 'n3']);
  });

  it('abort stops running commands and drops pending ones', async () => {
    const transport = scripted(() => ({ hang: true }));
    const task = taskWith(transport, { fanout: 2 });
    const events: string[] = [];
    task.shell('x', { nodes: 'n[1-5]', handler: { close: (_w, t) => events.push(`close ${t}`) } });
    const run = task.run();
    await new Promise((r) => setTimeout(r, 10));
    await task.abort();
    await run;
    expect(transport.started).toHaveLength(2);
    expect(events).toEqual(['close false']);
    expect(task.running).toBe(false);
  });

  it('a throwing handler aborts the run and rejects it', async () => {
    const transport = scripted((r) => (r.key === 'n1' ? { lines: ['boom'] } : { hang: true }));
    const task = taskWith(transport);
    task.shell('x', {
      nodes: 'n[1-3]',
      handler: {
        read: () => {
          throw new Error('handler failed');
        },
      },
    });
    await expect(task.run()).rejects.toThrow('handler failed');
    expect(task.running).toBe(false);
  });

  it('a run time limit kills everything and rejects with TaskTimeoutError', async () => {
    const task = taskWith(scripted(() => ({ hang: true })));
    task.shell('x', { nodes: 'n[1-2]' });
    await expect(task.resume(0.05)).rejects.toBeInstanceOf(TaskTimeoutError);
    expect(task.numTimeout()).toBe(2);
  });
});

describe('Task with real processes (exec transport)', () => {
  const exec = (): Task => taskWith(execTransport);

  it('reports 128 + signal for a command killed by a signal, 127 for a missing command', async () => {
    const task = exec();
    task.shell('kill -9 $$', { nodes: 'n1' });
    task.shell('kill -TERM $$', { nodes: 'n2' });
    task.shell('no_such_command_here', { nodes: 'n3' });
    await task.run();
    expect(task.nodeRetcode('n1')).toBe(137);
    expect(task.nodeRetcode('n2')).toBe(143);
    expect(task.nodeRetcode('n3')).toBe(127);
  });

  it('merges stderr into stdout by default and keeps it apart with stderr: true', async () => {
    const task = exec();
    task.shell('echo out; echo err >&2', { nodes: 'a1' });
    task.shell('echo out; echo err >&2', { nodes: 'b1', stderr: true });
    await task.run();
    expect(task.nodeBuffer('a1').toString()).toBe('out\nerr');
    expect(task.nodeBuffer('b1').toString()).toBe('out');
    expect(task.nodeError('b1').toString()).toBe('err');
  });

  it('fills %h and %n per node, and runs %hosts once for all nodes', async () => {
    const task = exec();
    task.shell('echo %h %n', { nodes: 'n[1-3]' });
    task.shell('echo %hosts', { nodes: 'm[1-2]' });
    await task.run();
    expect(task.nodeBuffer('n3').toString()).toBe('n3 2');
    expect(task.nodeBuffer('m1').toString()).toBe('m[1-2]');
    expect(task.nodeBuffer('m2').toString()).toBe('m[1-2]');
  });

  it('sends input to every command, buffered for those waiting for a fanout slot', async () => {
    const task = taskWith(execTransport, { fanout: 1 });
    const worker = task.shell('cat; echo %h', { nodes: 'n[1-3]' });
    worker.write('line one\n');
    worker.write(Buffer.from('line two\n'));
    worker.setWriteEof();
    await task.run();
    for (const node of ['n1', 'n2', 'n3'])
      expect(task.nodeBuffer(node).toString()).toBe(`line one\nline two\n${node}`);
  });

  it('kills the whole process group of a timed-out command', async () => {
    const task = exec();
    const started = Date.now();
    task.shell('sleep 30 & sleep 30; echo never', { nodes: 'n1', timeout: 0.2 });
    await task.run();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(task.numTimeout()).toBe(1);
  });

  it('runs a local command without nodes under its key', async () => {
    const task = exec();
    const worker: Worker = task.shell('echo local %h', { key: 'here' });
    await task.run();
    expect(worker.nodeBuffer('here')?.toString()).toBe('local %h');
  });
});
