// U4: how every server process learns what changed, so that each can tell its own browsers.
//
// After a write has committed, the process that made it announces what changed. Announcements are
// gathered for a short while and sent as one NOTIFY on the PostgreSQL server (a burst of
// redemptions costs one NOTIFY, never one per redemption, and never one inside the redemption's
// own transaction: a notifying commit takes a lock that serializes commits). Every process that has
// browsers listening holds one LISTEN connection and hands each business's changes to that
// business's streams only. The embedded database serves one process: there the changes go straight
// to the process's own streams.
import { sql } from "kysely";
import type { Database } from "../../db/database.js";
import type { Listening } from "../../db/listen.js";
import { type Change, TOPICS, type Topic } from "./topics.js";

const CHANNEL = "carnet_live";
/** how long announcements are gathered into one notification */
export const GATHER_MS = 150;
/** more ids than this for one resource and the change names none (the browser refreshes the lot) */
const MAX_IDS = 20;
/** NOTIFY refuses payloads of 8000 bytes and more */
const MAX_PAYLOAD_BYTES = 7_000;

export type LiveEvent =
  | { kind: "changes"; changes: Change[] }
  /** notifications may have been missed (the listening connection was lost): refresh everything */
  | { kind: "resync" };
export type LiveListener = (event: LiveEvent) => void;

export interface Subscription {
  /** resolves once this process hears notifications (at once on the embedded database) */
  ready: Promise<void>;
  close(): void;
}

/** Per business, per topic: the ids that changed, or null when not said. */
type Gathered = Map<Topic, Set<string> | null>;
/** On the wire: [{ b: business id, c: { topic: ids | null } }] */
type WireEntry = { b: string; c: Record<string, string[] | null> };

export class LiveHub {
  private readonly listeners = new Map<string, Set<LiveListener>>();
  private listenerCount = 0;
  private readonly gathered = new Map<string, Gathered>();
  private gatherTimer: NodeJS.Timeout | undefined;
  private listening: Listening | null = null;
  private heard: Promise<void> = Promise.resolve();
  /** where failures to notify are told (a server sets its logger) */
  onError: (error: unknown) => void = () => {};

  constructor(
    private readonly database: Database,
    private readonly gatherMs = GATHER_MS,
  ) {}

  /** Something changed in a business (after its transaction committed). */
  announce(businessId: string, topics: readonly Topic[], ids: Partial<Record<Topic, string[]>> = {}): void {
    if (topics.length === 0) return;
    let changes = this.gathered.get(businessId);
    if (!changes) {
      changes = new Map();
      this.gathered.set(businessId, changes);
    }
    for (const topic of topics) {
      const named = ids[topic];
      const seen = changes.get(topic);
      if (!named || named.length === 0 || seen === null) {
        changes.set(topic, null);
        continue;
      }
      const set = seen ?? new Set<string>();
      for (const id of named) set.add(id);
      changes.set(topic, set.size > MAX_IDS ? null : set);
    }
    if (!this.gatherTimer) {
      this.gatherTimer = setTimeout(() => void this.send(), this.gatherMs);
      this.gatherTimer.unref();
    }
  }

  subscribe(businessId: string, listener: LiveListener): Subscription {
    let set = this.listeners.get(businessId);
    if (!set) {
      set = new Set();
      this.listeners.set(businessId, set);
    }
    set.add(listener);
    if (++this.listenerCount === 1) this.startListening();
    let closed = false;
    return {
      ready: this.heard,
      close: () => {
        if (closed) return;
        closed = true;
        const current = this.listeners.get(businessId);
        current?.delete(listener);
        if (current?.size === 0) this.listeners.delete(businessId);
        if (--this.listenerCount === 0) this.stopListening();
      },
    };
  }

  private startListening() {
    if (!this.database.listen) return;
    let heard!: () => void;
    this.heard = new Promise((resolve) => {
      heard = resolve;
    });
    this.listening = this.database.listen(CHANNEL, {
      notify: (payload) => this.deliver(payload),
      connected: (again) => {
        heard();
        if (again) this.resyncAll();
      },
    });
  }

  private stopListening() {
    const listening = this.listening;
    this.listening = null;
    this.heard = Promise.resolve();
    listening?.close().catch((error) => this.onError(error));
  }

  private async send() {
    this.gatherTimer = undefined;
    const payloads = wirePayloads(this.gathered);
    this.gathered.clear();
    for (const payload of payloads) {
      if (!this.database.listen) {
        this.deliver(payload);
        continue;
      }
      try {
        await sql`SELECT pg_notify(${CHANNEL}, ${payload})`.execute(this.database.db);
      } catch (error) {
        // Browsers then refresh at their next change, focus or reconnect; the write stands.
        this.onError(error);
      }
    }
  }

  private deliver(payload: string) {
    let entries: unknown;
    try {
      entries = JSON.parse(payload);
    } catch {
      return;
    }
    if (!Array.isArray(entries)) return;
    for (const entry of entries as WireEntry[]) {
      const listeners = typeof entry?.b === "string" ? this.listeners.get(entry.b) : undefined;
      if (!listeners || typeof entry.c !== "object" || entry.c === null) continue;
      const changes: Change[] = [];
      for (const [topic, ids] of Object.entries(entry.c)) {
        if (!TOPICS.has(topic)) continue;
        changes.push(
          Array.isArray(ids) ? { topic: topic as Topic, ids: ids.map(String) } : { topic: topic as Topic },
        );
      }
      if (changes.length > 0) this.tell(listeners, { kind: "changes", changes });
    }
  }

  private resyncAll() {
    for (const listeners of this.listeners.values()) this.tell(listeners, { kind: "resync" });
  }

  private tell(listeners: Set<LiveListener>, event: LiveEvent) {
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.onError(error);
      }
    }
  }
}

/** The gathered changes as NOTIFY payloads, each under NOTIFY's size limit. */
function wirePayloads(gathered: Map<string, Gathered>): string[] {
  const payloads: string[] = [];
  let batch: string[] = [];
  let bytes = 2;
  for (const [businessId, changes] of gathered) {
    const c: WireEntry["c"] = {};
    for (const [topic, ids] of changes) c[topic] = ids ? [...ids] : null;
    let entry = JSON.stringify({ b: businessId, c } satisfies WireEntry);
    if (Buffer.byteLength(entry) > MAX_PAYLOAD_BYTES - 2) {
      for (const topic of Object.keys(c)) c[topic] = null;
      entry = JSON.stringify({ b: businessId, c } satisfies WireEntry);
    }
    const size = Buffer.byteLength(entry) + 1;
    if (batch.length > 0 && bytes + size > MAX_PAYLOAD_BYTES) {
      payloads.push(`[${batch.join(",")}]`);
      batch = [];
      bytes = 2;
    }
    batch.push(entry);
    bytes += size;
  }
  if (batch.length > 0) payloads.push(`[${batch.join(",")}]`);
  return payloads;
}

const hubs = new WeakMap<Database, LiveHub>();

/** The one hub of a database in this process: the server's streams and its sweeps share it. */
export function liveHub(database: Database): LiveHub {
  let hub = hubs.get(database);
  if (!hub) {
    hub = new LiveHub(database);
    hubs.set(database, hub);
  }
  return hub;
}

/** Tells browsers of these businesses that these resources changed (a sweep's work, say). */
export function announceChanges(
  app: { database: Database },
  businessIds: Iterable<string>,
  topics: readonly Topic[],
): void {
  const hub = liveHub(app.database);
  for (const businessId of new Set(businessIds)) hub.announce(businessId, topics);
}
