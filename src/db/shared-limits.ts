import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import {
  ASSIGNMENT_SLOT_COUNT,
  type AssignmentSlots,
  type CallLimits,
  type CallRate,
  type RateBucket,
  sleep,
  waitAfterTake,
} from '../aws/call-limits.js';
import { INSTANCE } from './claim-holders.js';
import { DatabaseClock } from './database-clock.js';
import type { Database } from './schema.js';

/*
 * The AWS call limits kept in the database, so that every replica on it counts against one limit.
 * Time is the database's (clock_timestamp()), never a replica's. On PGlite every query shares one
 * connection: take and acquire must not be awaited inside a store transaction.
 */

/**
 * A token bucket in one `call_rate` row per bucket; each take reserves a moment and waits for it.
 * Identity Center's calls leave 1/19 s apart, so one that leaves 53 ms after its moment lets AWS see
 * 21 in a second.
 * Hence the wait is counted from the moment on the database's clock, not from the reply (a commit
 * that waited on the disk must not send its call late), and a caller that wakes too late (a busy
 * event loop) gives its moment up and reserves another rather than go out on top of the next call.
 */
export class DbCallRate implements CallRate {
  private readonly clock = new DatabaseClock();

  constructor(private readonly db: Kysely<Database>) {}

  async take(bucket: RateBucket): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const sendAt = await this.reserve(bucket);
      const sleepMs = sendAt - Date.now();
      if (sleepMs > 0) await sleep(sleepMs);
      if (Date.now() - sendAt <= LATE_MS || attempt === MOST_RESERVATIONS) return;
    }
  }

  /** Takes a token and answers when, on this process's clock, the call it pays for may leave. */
  private async reserve(bucket: RateBucket): Promise<number> {
    const { perSecond, burst } = bucket.rate;
    // One statement refills by the time since the last take, capped at `burst`, and takes a token.
    // Below zero, the token is reserved ahead: the caller waits until the bucket has refilled to it.
    const { rows } = await sql<{ tokens: number; reserved_at_ms: number }>`
      insert into call_rate as r (bucket, tokens, refilled_at)
      values (${bucket.name}, ${burst - 1}::float8, clock_timestamp())
      on conflict (bucket) do update set
        tokens = least(
          ${burst}::float8,
          r.tokens + ${perSecond}::float8
            * greatest(0, extract(epoch from clock_timestamp() - r.refilled_at)::float8)
        ) - 1,
        refilled_at = greatest(r.refilled_at, clock_timestamp())
      returning tokens, (extract(epoch from refilled_at) * 1000)::float8 as reserved_at_ms`.execute(this.db);
    const answeredAt = Date.now();
    const row = rows[0];
    if (!row) return answeredAt;
    const waitMs = waitAfterTake(Number(row.tokens), perSecond) * 1000;
    // Never later than counting from the reply would send it, whatever the clocks say.
    return Math.min(answeredAt + waitMs, this.clock.toLocal(Number(row.reserved_at_ms), answeredAt) + waitMs);
  }
}

/** Half the 53 ms between two Identity Center calls (the other buckets' are wider): a caller this late reserves again. */
const LATE_MS = 25;

/** A caller late this many times goes anyway: a starved process must still make progress. */
const MOST_RESERVATIONS = 3;

export interface SlotSettings {
  size: number;
  /** A slot whose holder neither released nor finished within this long is free again (it crashed). */
  leaseMs: number;
  /** How often a waiter looks for a free slot again (jittered). */
  retryMs: number;
}

/** Between a holder's instance id and its own id; no host name or pid contains it. */
const INSTANCE_SEPARATOR = '/';

/** Longer than permission-sets' poll timeout (120 s), so a live holder keeps its slot to the end. */
const DEFAULT_SLOTS: SlotSettings = { size: ASSIGNMENT_SLOT_COUNT, leaseMs: 5 * 60_000, retryMs: 250 };

/** `size` numbered `call_slot` rows per name, claimed with FOR UPDATE SKIP LOCKED and a lease. */
export class DbSlots implements AssignmentSlots {
  private readonly settings: SlotSettings;
  private readonly created = new Map<string, Promise<void>>();

  /**
   * `instanceId`: the Latch instance whose heartbeat (`db/claim-holders.ts`) vouches for its slots;
   * without one a slot is free only once its lease runs out.
   */
  constructor(
    private readonly db: Kysely<Database>,
    settings: Partial<SlotSettings> = {},
    private readonly instanceId?: string,
  ) {
    this.settings = { ...DEFAULT_SLOTS, ...settings };
  }

  async acquire(name: string): Promise<() => Promise<void>> {
    await this.createSlots(name);
    const holder = this.instanceId ? `${this.instanceId}${INSTANCE_SEPARATOR}${randomUUID()}` : randomUUID();
    for (;;) {
      const slot = await this.claim(name, holder);
      if (slot !== undefined) return () => this.release(name, slot, holder);
      await sleep(this.settings.retryMs * (0.5 + Math.random()));
    }
  }

  private async claim(name: string, holder: string): Promise<number | undefined> {
    const { size, leaseMs } = this.settings;
    // A holder that named its Latch instance and whose heartbeat has lapsed was killed holding the slot.
    const heldByTheDead = sql<boolean>`(
      position(${INSTANCE_SEPARATOR} in s.holder) > 0
      and not exists (
        select 1 from lease i
        where i.name = ${INSTANCE} || split_part(s.holder, ${INSTANCE_SEPARATOR}, 1)
          and i.held_until > clock_timestamp()
      )
    )`;
    const { rows } = await sql<{ slot: number }>`
      update call_slot
      set holder = ${holder}, held_until = clock_timestamp() + ${leaseMs}::float8 * interval '1 millisecond'
      where (name, slot) = (
        select s.name, s.slot from call_slot s
        where s.name = ${name} and s.slot < ${size}::int and (s.held_until < clock_timestamp() or ${heldByTheDead})
        order by s.slot
        limit 1
        for update skip locked
      )
      returning slot`.execute(this.db);
    return rows[0]?.slot;
  }

  /** Frees the slot only if this holder still has it: after its lease another may hold it. */
  private async release(name: string, slot: number, holder: string): Promise<void> {
    await sql`
      update call_slot set holder = null, held_until = timestamptz 'epoch'
      where name = ${name} and slot = ${slot}::int and holder = ${holder}`.execute(this.db);
  }

  /** The name's rows, once per instance; existing ones are left as they are. */
  private createSlots(name: string): Promise<void> {
    let created = this.created.get(name);
    if (!created) {
      created = sql`
        insert into call_slot (name, slot, held_until)
        select ${name}, n, timestamptz 'epoch' from generate_series(0, ${this.settings.size - 1}::int) as n
        on conflict do nothing`
        .execute(this.db)
        .then(() => undefined);
      created.catch(() => this.created.delete(name));
      this.created.set(name, created);
    }
    return created;
  }
}

/** The database-backed limits every replica on `db` shares. */
export function sharedCallLimits(
  db: Kysely<Database>,
  options: { slots?: Partial<SlotSettings>; instanceId?: string } = {},
): CallLimits {
  return {
    callRate: new DbCallRate(db),
    assignmentSlots: new DbSlots(db, options.slots, options.instanceId),
  };
}
