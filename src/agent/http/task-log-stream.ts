/**
 * Serving a task log: the CSV as it is on disk, and with `?follow=1` the response stays open and every
 * row written afterwards is streamed as it is flushed, until the assignment closes the log or the client
 * goes away. The file part and the live part join exactly at the size the log reported at subscription.
 */
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TaskLogLocation } from './agent-control.js';

export function streamTaskLog(
  req: IncomingMessage,
  res: ServerResponse,
  log: TaskLogLocation,
  follow: boolean,
): void {
  res.writeHead(200, {
    'content-type': 'text/csv; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  const live = log.live && !log.live.closed ? log.live : undefined;
  if (!live) {
    createReadStream(log.path)
      .on('error', () => res.end())
      .pipe(res);
    return;
  }
  if (!follow) {
    live.flush();
    createReadStream(log.path, { end: Math.max(0, live.size - 1) })
      .on('error', () => res.end())
      .pipe(res);
    return;
  }
  const queued: string[] = [];
  let fileDone = false;
  let ended = false;
  const finish = () => {
    if (!fileDone) {
      ended = true;
      return;
    }
    res.end();
  };
  const { size, unsubscribe } = live.subscribe({
    data: (chunk) => {
      if (fileDone) res.write(chunk);
      else queued.push(chunk);
    },
    end: finish,
  });
  req.on('close', unsubscribe);
  const file = size > 0 ? createReadStream(log.path, { end: size - 1 }) : undefined;
  const afterFile = () => {
    fileDone = true;
    for (const chunk of queued.splice(0)) res.write(chunk);
    if (ended) res.end();
  };
  if (!file) return afterFile();
  file.on('data', (c) => res.write(c));
  file.on('end', afterFile);
  file.on('error', () => {
    unsubscribe();
    res.end();
  });
}
