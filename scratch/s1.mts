import { Task, execTransport } from '../src/exec/index.js';
const task = new Task({ defaults: { distant_worker: execTransport } });
task.shell('echo hello %h', { nodes: 'n[1-2]', handler: {
  pickup: (w, n) => console.log('pickup', n),
  read: (w, n, s, l) => console.log('read', n, s, l.toString()),
  hangup: (w, n, rc) => console.log(`hup ${n} ${rc}`),
  close: (w, t) => console.log(`close ${t}`),
}});
console.log('running');
await task.run();
console.log('done');
