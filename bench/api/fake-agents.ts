/**
 * Where the benchmark's agents "listen": one loopback HTTP server that accepts every request (200, `{}`),
 * so that the scheduler's assignments to the registered agents are delivered. Without it the master would
 * retry deliveries to a closed port and mark the agents lost, and the registration and task-report
 * figures would measure that failure handling (and race it: a lost agent's tasks go back to the queue).
 */
import { createServer, type Server } from 'node:http';

export interface FakeAgents {
  readonly port: number;
  close(): Promise<void>;
}

export async function startFakeAgents(): Promise<FakeAgents> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the fake agents have no port');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
