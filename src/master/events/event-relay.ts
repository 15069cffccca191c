/**
 * Farm events across masters. Any number of masters serve the API; only the scheduling leader acts on
 * events. A master that does not lead forwards the events it emits through the database channel
 * (PostgreSQL NOTIFY, MySQL relay table), batched per tick; the leader listens and emits what other
 * masters sent on its own bus, so its scheduler and lifecycle services react within milliseconds to a
 * job submitted on any replica. Events lost while no master leads are covered by the new leader's full
 * index build.
 */
import type { Logger } from '../../core/logging.js';
import type { FarmEventChannel } from '../../db/events/farm-event-channel.js';
import type { FarmEvent, FarmEvents } from './farm-events.js';

interface Message {
  /** The sending master. */
  o: string;
  e: FarmEvent[];
}

export class EventRelay {
  private buffer: FarmEvent[] = [];
  private flushing = false;
  private readonly relayed = new WeakSet<FarmEvent>();
  private unsubscribe: (() => void) | undefined;
  private stopListening: (() => Promise<void>) | undefined;

  constructor(
    private readonly channel: FarmEventChannel,
    private readonly events: FarmEvents,
    private readonly log: Logger,
    private readonly isLeader: () => boolean,
  ) {}

  /** Starts forwarding this master's events while it does not lead. */
  start(): void {
    this.unsubscribe ??= this.events.on((event) => {
      if (this.isLeader() || this.relayed.has(event)) return;
      this.buffer.push(event);
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  /** Starts emitting other masters' events here (while leading). */
  async listen(): Promise<void> {
    if (this.stopListening) return;
    this.stopListening = await this.channel.listen(
      (text) => this.receive(text),
      (err) => this.log.warn({ err }, 'farm event channel failed'),
    );
  }

  async unlisten(): Promise<void> {
    const stop = this.stopListening;
    this.stopListening = undefined;
    await stop?.();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await this.unlisten();
    await this.flush();
  }

  private receive(text: string): void {
    let message: Message;
    try {
      message = JSON.parse(text) as Message;
    } catch {
      return;
    }
    if (message.o === this.channel.origin || !Array.isArray(message.e)) return;
    for (const event of message.e) {
      this.relayed.add(event);
      this.events.emit(event);
    }
  }

  private async flush(): Promise<void> {
    const events = this.buffer;
    this.buffer = [];
    this.flushing = false;
    for (const batch of this.batches(events)) {
      try {
        await this.channel.send(batch);
      } catch (err) {
        this.log.warn({ err, events: events.length }, 'could not forward farm events to the leader');
      }
    }
  }

  /** JSON messages below the channel's size limit. */
  private *batches(events: readonly FarmEvent[]): Generator<string> {
    let batch: FarmEvent[] = [];
    let size = 0;
    for (const event of events) {
      const bytes = JSON.stringify(event).length + 1;
      if (batch.length > 0 && size + bytes > this.channel.maxMessageBytes - 64) {
        yield JSON.stringify({ o: this.channel.origin, e: batch });
        batch = [];
        size = 0;
      }
      batch.push(event);
      size += bytes;
    }
    if (batch.length > 0) yield JSON.stringify({ o: this.channel.origin, e: batch });
  }
}
