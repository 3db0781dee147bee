/**
 * One LISTEN per process fans run events out to every local subscriber. Events arrive
 * inline in the NOTIFY payload (or are read back when they were too big); a gap in `seq`
 * (a lost connection, a big batch) is filled from the table, so a subscriber sees every
 * event once and in order.
 */
import type { Database } from '../db/client.js';
import type { Logger } from '../logger.js';
import { EVENTS_CHANNEL, readEvents, type Announcement, type RunRef, type StoredEvent } from './store.js';

export type EventListener = (events: StoredEvent[]) => void;

interface Topic {
  ref: RunRef;
  listeners: Set<EventListener>;
  /** Highest seq delivered to listeners; null until the first event. */
  last: number | null;
  /** Serialises deliveries (and catch-up reads) of one topic. */
  queue: Promise<void>;
}

const topicKey = (kind: string, id: string) => `${kind}:${id}`;

export class EventHub {
  private readonly topics = new Map<string, Topic>();
  private unlisten: (() => Promise<void>) | null = null;

  constructor(
    private readonly database: Database,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    this.unlisten = await this.database.listen(
      EVENTS_CHANNEL,
      (p) => this.onPayload(p),
      () => this.catchUpAll(),
    );
  }

  /** Calls `listener` with each new batch of the run's events; returns the unsubscribe function. */
  subscribe(ref: RunRef, listener: EventListener): () => void {
    const key = topicKey(ref.kind, ref.id);
    let topic = this.topics.get(key);
    if (!topic) {
      topic = { ref, listeners: new Set(), last: null, queue: Promise.resolve() };
      this.topics.set(key, topic);
    }
    topic.listeners.add(listener);
    return () => {
      const t = this.topics.get(key);
      if (!t) return;
      t.listeners.delete(listener);
      if (t.listeners.size === 0) this.topics.delete(key);
    };
  }

  /** Subscribers across all runs (tests and the doctor compare it with a baseline). */
  get listenerCount(): number {
    let n = 0;
    for (const t of this.topics.values()) n += t.listeners.size;
    return n;
  }

  async close(): Promise<void> {
    this.topics.clear();
    await this.unlisten?.();
    this.unlisten = null;
  }

  private onPayload(payload: string): void {
    let a: Announcement;
    try {
      a = JSON.parse(payload) as Announcement;
    } catch (err) {
      this.log.warn({ err }, 'events: unreadable NOTIFY payload');
      return;
    }
    const topic = this.topics.get(topicKey(a.k, a.r));
    if (!topic || topic.ref.tenantId !== a.t) return;
    this.enqueue(topic, async () => {
      if (topic.last !== null && a.last <= topic.last) return;
      const isContiguous = topic.last === null || a.first === topic.last + 1;
      const events = a.e && isContiguous ? a.e : await readEvents(this.database, topic.ref, topic.last ?? a.first - 1);
      this.deliver(topic, events);
    });
  }

  private catchUpAll(): void {
    for (const topic of this.topics.values()) {
      if (topic.last === null) continue;
      this.enqueue(topic, async () => this.deliver(topic, await readEvents(this.database, topic.ref, topic.last ?? 0)));
    }
  }

  private enqueue(topic: Topic, work: () => Promise<void>): void {
    topic.queue = topic.queue
      .then(work)
      .catch((err: unknown) => this.log.error({ err, run: topic.ref.id }, 'events: delivering run events failed'));
  }

  private deliver(topic: Topic, events: StoredEvent[]): void {
    const fresh = topic.last === null ? events : events.filter((e) => e.seq > (topic.last ?? 0));
    if (!fresh.length) return;
    topic.last = fresh.at(-1)!.seq;
    for (const listener of [...topic.listeners]) {
      try {
        listener(fresh);
      } catch (err) {
        this.log.error({ err, run: topic.ref.id }, 'events: a subscriber threw');
      }
    }
  }
}
