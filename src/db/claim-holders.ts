import { type Kysely, sql } from 'kysely';
import type { Logger } from '../core/ports.js';
import type { Database } from './schema.js';

/*
 * A grant claimed for provisioning or revocation is leased for two minutes, so that a slow AWS
 * call is never worked twice. A Latch killed mid-call would leave its claims idle for those two
 * minutes, and an expired grant's access in AWS that long. So each claim also names its holder (a
 * `grant:<id>` row in `lease`), each running Latch renews an `instance:<id>` heartbeat row, and a
 * claim whose holder has stopped beating is due again at once. Liveness is judged by the
 * database's clock, which every replica shares.
 */

/** The `lease` row naming who holds a claimed grant: this prefix and the grant id (queries/due-work.ts). */
export const GRANT_CLAIM = 'grant:';
/** The `lease` row of a running Latch's heartbeat: this prefix and its instance id. */
export const INSTANCE = 'instance:';

export interface HeartbeatSettings {
  /** How often a running Latch renews its heartbeat. */
  everyMs: number;
  /** How long a heartbeat vouches for its holder: a holder silent this long is taken for dead. */
  ttlMs: number;
}

export const DEFAULT_HEARTBEAT: HeartbeatSettings = { everyMs: 2000, ttlMs: 8000 };

/**
 * Makes the claims of holders that stopped beating due at `now`, and forgets claims whose lease has
 * run out anyway (those are due already, or wait for a backoff that stays). Returns the grants made due.
 */
export async function releaseOrphanedClaims(db: Kysely<Database>, now: Date): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    with ended as (
      delete from lease c
      where c.name like ${`${GRANT_CLAIM}%`}
        and (
          c.held_until <= ${now}
          or not exists (
            select 1 from lease i
            where i.name = ${INSTANCE} || c.holder and i.held_until > clock_timestamp()
          )
        )
      returning substr(c.name, ${GRANT_CLAIM.length + 1}) as id, c.held_until > ${now} as orphaned
    )
    update access_grant g set next_attempt_at = ${now}
    from ended e
    where g.id = e.id and e.orphaned and g.status in ('provisioning', 'revoking') and g.next_attempt_at > ${now}
    returning g.id`.execute(db);
  return rows.map((row) => row.id);
}

/** A running Latch's heartbeat, renewed on a timer until `stop`. */
export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;
  private failing = false;

  constructor(
    private readonly db: Kysely<Database>,
    readonly holder: string,
    private readonly log: Logger,
    private readonly settings: HeartbeatSettings = DEFAULT_HEARTBEAT,
    private readonly clock: { now(): Date } = { now: () => new Date() },
  ) {}

  /** Beats once (before any claim is taken, so none looks orphaned), then on the timer. */
  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => {
      this.beat().then(
        async () => {
          if (!this.failing) return;
          this.failing = false;
          // The database was away: whatever this Latch had claimed failed half-way (its writes did).
          const released = await this.releaseOwnClaims().catch(() => []);
          this.log.info({ holder: this.holder, grantIds: released }, 'database back; claims taken back');
        },
        (error: unknown) => {
          if (!this.failing) {
            this.log.warn(
              { err: error, holder: this.holder },
              'cannot renew the heartbeat; other replicas may take over this one’s claims',
            );
          }
          this.failing = true;
        },
      );
    }, this.settings.everyMs);
    this.timer.unref();
  }

  /**
   * Only one process may open the embedded database: every other holder in it is a dead one, so
   * its claims need not wait for its heartbeat to lapse.
   */
  async forgetOtherHolders(): Promise<void> {
    await this.db
      .deleteFrom('lease')
      .where('name', 'like', `${INSTANCE}%`)
      .where('holder', '!=', this.holder)
      .execute();
  }

  /**
   * After a clean stop nothing of ours is in flight: our claim rows go (a failed attempt keeps its
   * backoff), and so does the heartbeat.
   */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.db
      .deleteFrom('lease')
      .where((eb) =>
        eb.or([eb('name', 'like', `${GRANT_CLAIM}%`), eb('name', '=', `${INSTANCE}${this.holder}`)]),
      )
      .where('holder', '=', this.holder)
      .execute();
  }

  /** Makes due at once the grants this Latch holds claims on (it lost the database meanwhile). */
  async releaseOwnClaims(): Promise<string[]> {
    const now = this.clock.now();
    const { rows } = await sql<{ id: string }>`
      with mine as (
        delete from lease c
        where c.name like ${`${GRANT_CLAIM}%`} and c.holder = ${this.holder}
        returning substr(c.name, ${GRANT_CLAIM.length + 1}) as id
      )
      update access_grant g set next_attempt_at = ${now}
      from mine m
      where g.id = m.id and g.status in ('provisioning', 'revoking') and g.next_attempt_at > ${now}
      returning g.id`.execute(this.db);
    return rows.map((row) => row.id);
  }

  private async beat(): Promise<void> {
    const ttl = sql<Date>`clock_timestamp() + ${this.settings.ttlMs}::float8 * interval '1 millisecond'`;
    await this.db
      .insertInto('lease')
      .values({ name: `${INSTANCE}${this.holder}`, holder: this.holder, held_until: ttl })
      .onConflict((oc) => oc.column('name').doUpdateSet({ held_until: ttl }))
      .execute();
  }
}
