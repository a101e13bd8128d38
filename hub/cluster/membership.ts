import type { Logger } from 'pino';
import type { HandoffService } from '../service/handoff-service.ts';
import type { Db } from '../store/db.ts';
import { cutLease, holdLease, removeExpiredHubs, renewLease, setHubUrl } from '../store/hubs.ts';

/**
 * How hubs sharing one store keep track of each other. Defaults: a lease of 10 s renewed every
 * 3 s, and every hub looks for lapsed leases every 2 s, so a hub that dies is taken over within
 * `leaseMs + checkEveryMs` (12 s) of its last renewal.
 */
export interface LeaseSettings {
  leaseMs: number;
  renewEveryMs: number;
  checkEveryMs: number;
  /**
   * A hub stopping on purpose closes its apps' connections, which reconnect to the other hubs at
   * once, and cuts its lease to this: agents whose apps have not come back by then are
   * disconnected and their offers move on.
   */
  reconnectGraceMs: number;
}

/** The settings for a lease of `leaseMs`, in the proportions of the default. */
export const leaseFor = (leaseMs: number): LeaseSettings => ({ leaseMs, renewEveryMs: leaseMs * 0.3, checkEveryMs: leaseMs * 0.2, reconnectGraceMs: leaseMs * 0.5 });

export const DEFAULT_LEASE: LeaseSettings = leaseFor(10_000);

export interface MembershipOptions {
  db: Db;
  service: HandoffService;
  hub: { id: string; host: string; pid: number };
  lease: LeaseSettings;
  log: Logger;
  /** This hub's lease was taken over while it still ran (it could not renew in time): its apps must reconnect. */
  onLeaseLost: () => void;
}

export interface Membership {
  /** Records the URL the hub listens on, for `npm run hub -- hubs`. */
  listening(url: string): Promise<void>;
  /** A graceful stop: stops renewing, and cuts the lease to the reconnect grace. */
  handOver(): Promise<void>;
  /** Stops renewing and looking (a hub that dies without handOver is taken over when its lease runs out). */
  stop(): Promise<void>;
}

/**
 * Holds this hub's lease and renews it; takes over hubs whose lease ran out: their agents'
 * connections go with their rows, agents left with no app anywhere are disconnected (their offers
 * move on), and the next offer expiry is looked up again, whichever hub made the offer. The same
 * runs on the embedded store, where the only other hub there can be is this one's last run.
 */
export async function joinCluster(options: MembershipOptions): Promise<Membership> {
  const { db, service, hub, lease, log } = options;
  await holdLease(db, hub, lease.leaseMs);
  await takeOver(); // the hubs that died while none was running, or this one's last run
  let renewedAt = Date.now();
  let stopped = false;
  let ticking: Promise<void> = Promise.resolve();

  async function takeOver(): Promise<void> {
    const gone = await removeExpiredHubs(db);
    if (gone.length > 0) log.warn({ hubs: gone }, 'took over hubs whose lease ran out');
    const stranded = await service.disconnectStranded();
    if (stranded > 0) log.info({ agents: stranded }, 'disconnected agents whose hub is gone');
  }

  async function tick(): Promise<void> {
    if (Date.now() - renewedAt >= lease.renewEveryMs) {
      if (await renewLease(db, hub.id, lease.leaseMs)) renewedAt = Date.now();
      else {
        log.error({ hubId: hub.id }, 'this hub lost its lease (it could not renew it in time); its apps reconnect');
        options.onLeaseLost();
        await holdLease(db, hub, lease.leaseMs);
        renewedAt = Date.now();
      }
    }
    await takeOver();
    await service.refreshExpiry();
  }

  const timer = setInterval(() => {
    ticking = ticking.then(async () => {
      if (stopped) return;
      await tick().catch((error: unknown) => log.error({ err: error }, 'lease upkeep failed'));
    });
  }, Math.min(lease.checkEveryMs, lease.renewEveryMs));
  timer.unref();

  const stop = async () => {
    stopped = true;
    clearInterval(timer);
    await ticking;
  };
  return {
    listening: (url) => setHubUrl(db, hub.id, url),
    stop,
    async handOver() {
      await stop();
      await cutLease(db, hub.id, lease.reconnectGraceMs);
    },
  };
}
