import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import pg from 'pg';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import { setCallbackUrl } from './admin/accounts.ts';
import { attachAgentsNamespace, DEFAULT_ACCESS_CHECK_MS } from './sockets/agents-namespace.ts';
import { orderedPostgresAdapter } from './sockets/postgres-adapter.ts';
import { DEFAULT_SESSION_LIMITS, pruneSignIns, type SessionLimits } from './auth/sessions.ts';
import { RelyingParty, type OidcSettings } from './oidc/relying-party.ts';
import type { PeoplePolicy } from './oidc/people.ts';
import { startDemoBot } from './demo/demo-bot.ts';
import { DEMO_PLATFORM_ENV, startDemoPlatforms } from './demo/demo-platforms.ts';
import { DEMO, seedDemo } from './demo/seed.ts';
import { HandoffService } from './service/handoff-service.ts';
import { DEFAULT_LEASE, joinCluster, type LeaseSettings } from './cluster/membership.ts';
import { rateLimitsWith, SignInLimiter, type IngressLimit, type SignInLimit } from './http/rate-limits.ts';
import { trustedHop, type TrustProxy } from './http/client-address.ts';
import { secureSocketIo, socketIoCors } from './http/security.ts';
import { createHttpServer } from './api/server.ts';
import { silentLogger } from './log.ts';
import { openPglite, openPostgres, type Db } from './store/db.ts';
import { poolOf } from './store/postgres-url.ts';
import { startConnectorDeliverer } from './product/connectors/deliverer.ts';
import { announceProductItem } from './product/items.ts';
import { migrate } from './store/migrate.ts';
import { startCompleter } from './platforms/completer.ts';
import { setPlatform, type PlatformKind } from './platforms/config.ts';
import { startPlatformDeliverer } from './platforms/deliverer.ts';
import { announceHandoff, completeHandoff, recordFailure } from './handoffs/platform-actions.ts';
import { startWebhookDeliverer, type WebhookDelivererOptions } from './webhooks/deliverer.ts';

export interface HubOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** PGlite data folder; omitted (and no databaseUrl) keeps everything in memory. */
  dataDir?: string;
  /** A PostgreSQL server instead of the embedded store. */
  databaseUrl?: string;
  /** Seeds the documented demo team, people and integration. */
  demo?: boolean;
  log?: Logger;
  now?: () => Date;
  webhooks?: Partial<Pick<WebhookDelivererOptions, 'baseDelayMs' | 'maxDelayMs' | 'maxAttempts' | 'requestTimeoutMs'>>;
  /** Delivery of requests to product tools (GitHub, Jira, Linear, webhook): the same knobs as webhooks. */
  connectors?: Partial<Pick<WebhookDelivererOptions, 'baseDelayMs' | 'maxDelayMs' | 'maxAttempts' | 'requestTimeoutMs'>>;
  /**
   * Messaging platforms (Sunshine Conversations, Chatwoot): calls back to them are delivered with
   * the same knobs as webhooks; `fetchTimeoutMs` bounds each read of their API while a webhook
   * waits, and `completeBaseDelayMs` is the first wait before a partial handoff's API is tried again.
   */
  platforms?: Partial<Pick<WebhookDelivererOptions, 'baseDelayMs' | 'maxDelayMs' | 'maxAttempts' | 'requestTimeoutMs'>> & {
    fetchTimeoutMs?: number;
    completeBaseDelayMs?: number;
    completeMaxDelayMs?: number;
  };
  /** Where connectors' and platforms' `*-env` variables are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /**
   * Browser origins (`scheme://host[:port]`) allowed to call the API and socket.io long-polling
   * across origins (CORS). Default none: bots call server to server, and the hub serves its console.
   */
  corsOrigins?: readonly string[];
  /**
   * Behind reverse proxies: which to trust to name the client (the sign-in limit keys on its
   * address). `true`: one proxy, the client is the last X-Forwarded-For entry; a number: that many
   * proxies in a chain; a list: the proxies' addresses or CIDR ranges. Default: none.
   */
  trustProxy?: TrustProxy;
  /** Defaults in DEFAULT_RATE_LIMITS (hub/http/rate-limits.ts); `max`/`maxFailures` 0 turns a limit off. */
  rateLimits?: { ingress?: Partial<IngressLimit>; signIn?: Partial<SignInLimit> };
  /** How long sessions and their credentials last (DEFAULT_SESSION_LIMITS in hub/auth/sessions.ts). */
  sessions?: Partial<SessionLimits>;
  /** Sign-in through an OpenID Connect provider; discovered when the hub starts. */
  oidc?: { settings: Omit<OidcSettings, 'publicUrl'> & { publicUrl?: string }; people?: Partial<PeoplePolicy> };
  /** How often connected apps' credentials are checked again; the bound on how long a revoked person stays connected (default 15 s). */
  accessCheckMs?: number;
  /** Hubs sharing one PostgreSQL: how long a hub's lease lasts, how often it is renewed and lapsed ones looked for (DEFAULT_LEASE in hub/cluster/membership.ts). */
  lease?: Partial<LeaseSettings>;
}

export interface RunningHub {
  url: string;
  port: number;
  db: Db;
  service: HandoffService;
  /** Connected apps: check their credentials now, or disconnect a revoked person's at once. */
  access: Pick<ReturnType<typeof attachAgentsNamespace>, 'checkAccess' | 'endAgent' | 'endSession'>;
  /** Stops accepting connections and requests, finishes the writes under way, and closes the store. */
  close(): Promise<void>;
}

export async function openStore(options: Pick<HubOptions, 'dataDir' | 'databaseUrl' | 'log'>): Promise<Db> {
  const onError = (error: unknown, context: string) => options.log?.error({ err: error, context }, 'store error');
  const db = options.databaseUrl ? await openPostgres(options.databaseUrl, { ...(options.log && { onError }) }) : await openPglite(options.dataDir, { ...(options.log && { onError }) });
  await migrate(db);
  return db;
}

export async function startHub(options: HubOptions = {}): Promise<RunningHub> {
  const log = options.log ?? silentLogger();
  const host = options.host ?? '127.0.0.1';
  const trusted = trustedHop(options.trustProxy ?? false); // an invalid proxy address throws before anything is opened
  const db = await openStore({ ...options, log });
  if (options.demo) await seedDemo(db);

  // The namespace is created after the service, so emissions go through this late-bound sink.
  let sink: ReturnType<typeof attachAgentsNamespace> | undefined;
  const deliverer = startWebhookDeliverer({ db, log, ...options.webhooks, ...(options.now && { now: options.now }) });
  // Late-bound too: an issue recorded for an item is announced through the service.
  let announceItem: ((itemId: string) => void) | undefined;
  const connectorDeliverer = startConnectorDeliverer({
    db,
    log,
    ...options.connectors,
    ...(options.now && { now: options.now }),
    ...(options.env && { env: options.env }),
    onIssueRecorded: (itemId) => announceItem?.(itemId),
  });
  // Late-bound like the others: what the platform deliverer records is announced through the service.
  let platformNews: { delivered(handoffId: string): void; failed(handoffId: string, kind: PlatformKind, notice: string, error: string): void } | undefined;
  const { fetchTimeoutMs, completeBaseDelayMs, completeMaxDelayMs, ...platformDelivery } = options.platforms ?? {};
  const platformDeliverer = startPlatformDeliverer({
    db,
    log,
    ...platformDelivery,
    ...(options.now && { now: options.now }),
    ...(options.env && { env: options.env }),
    onDelivered: (handoffId) => platformNews?.delivered(handoffId),
    onFailed: (handoffId, kind, notice, error) => platformNews?.failed(handoffId, kind, notice, error),
  });
  const hubId = randomUUID();
  const service = new HandoffService({
    db,
    hubId,
    ...(options.now && { now: options.now }),
    emit: (emission) => sink?.emit(emission),
    onWebhooksQueued: () => deliverer.wake(),
    onConnectorsQueued: () => connectorDeliverer.wake(),
    onPlatformCallsQueued: () => platformDeliverer.wake(),
    onError: (error, context) => log.error({ err: error, context }, 'background task failed'),
  });
  const cluster = await joinCluster({
    db,
    service,
    hub: { id: hubId, host: hostname(), pid: process.pid },
    lease: { ...DEFAULT_LEASE, ...options.lease },
    log,
    onLeaseLost: () => sink?.dropAll(),
  });
  await service.start();
  announceItem = (itemId) =>
    void service.change((t) => announceProductItem(t, itemId)).catch((error: unknown) => log.error({ err: error, productItemId: itemId }, 'could not announce a product item'));

  const failed = (error: unknown, handoffId: string) => log.error({ err: error, handoffId }, 'could not record a platform call');
  platformNews = {
    delivered: (handoffId) => void service.change((t) => announceHandoff(t, handoffId)).catch((error: unknown) => failed(error, handoffId)),
    failed: (handoffId, kind, notice, error) => void service.change((t) => recordFailure(t, handoffId, kind, notice, error)).catch((e: unknown) => failed(e, handoffId)),
  };
  const completer = startCompleter({
    db,
    complete: (handoffId, kind, packet) => service.change((t) => completeHandoff(t, handoffId, kind, packet)),
    log,
    ...(options.env && { env: options.env }),
    ...(fetchTimeoutMs !== undefined && { requestTimeoutMs: fetchTimeoutMs }),
    ...(completeBaseDelayMs !== undefined && { baseDelayMs: completeBaseDelayMs }),
    ...(completeMaxDelayMs !== undefined && { maxDelayMs: completeMaxDelayMs }),
  });

  const now = options.now ?? (() => new Date());
  const sessionLimits: SessionLimits = { ...DEFAULT_SESSION_LIMITS, ...options.sessions };
  // The redirect URI names the hub's public address; without one given, the address it listens on.
  const publicUrl = options.oidc?.settings.publicUrl ?? `http://${host.includes(':') ? `[${host}]` : host}:${options.port ?? 0}`;
  if (options.oidc && !options.oidc.settings.publicUrl && !options.port) throw new Error('Sign-in through an identity provider needs the hub\'s public URL (--public-url) or a fixed --port.');
  const provider = options.oidc ? await RelyingParty.discover({ ...options.oidc.settings, publicUrl: publicUrl.replace(/\/+$/, '') }) : undefined;
  const people: PeoplePolicy = { provision: 'refuse', defaultTeam: 'support', matchEmail: false, ...options.oidc?.people };
  const limits = rateLimitsWith(options.rateLimits);
  const signIns = new SignInLimiter(limits.signIn, log, options.now);
  const trustProxy = options.trustProxy ?? false;
  const app = await createHttpServer({
    service,
    log,
    connectors: { ...(options.env && { env: options.env }), ...(options.now && { now: options.now }) },
    platforms: {
      ...(options.env && { env: options.env }),
      ...(options.now && { now: options.now }),
      ...(fetchTimeoutMs !== undefined && { requestTimeoutMs: fetchTimeoutMs }),
      onPartial: () => completer.wake(),
    },
    ...(options.corsOrigins && { corsOrigins: options.corsOrigins }),
    trustProxy,
    ingressLimit: limits.ingress,
    signIns,
    sessions: { limits: sessionLimits, now, provider, ended: (ids) => ids.forEach((id) => sink?.endSession(id)) },
    signIn: { provider, people },
  });
  // Hubs on one PostgreSQL hear each other's socket.io events through it, on a pool of their own
  // (one connection listens, one publishes) so events never wait behind the store's transactions.
  const fanOut = options.databaseUrl ? new pg.Pool({ connectionString: poolOf(options.databaseUrl).connectionString, max: 2, application_name: 'baton-hub-events' }) : undefined;
  fanOut?.on('error', (error) => log.error({ err: error }, 'an idle connection of the socket.io adapter failed'));
  const io = new Server(app.server, {
    serveClient: false,
    cors: socketIoCors(options.corsOrigins),
    ...(fanOut && { adapter: orderedPostgresAdapter(fanOut, (error) => log.error({ err: error }, 'socket.io adapter error')) }),
  });
  secureSocketIo(io);
  const access = attachAgentsNamespace(io, service, log, { limiter: signIns, trustProxy: trusted }, { now, checkEveryMs: options.accessCheckMs ?? DEFAULT_ACCESS_CHECK_MS });
  sink = access;
  const prune = setInterval(() => void pruneSignIns(db, now()).catch((error: unknown) => log.error({ err: error }, 'pruning sign-ins failed')), 10 * 60_000);
  prune.unref();
  await app.listen({ port: options.port ?? 0, host });
  const { port } = app.server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  await cluster.listening(url);
  log.info({ url, hubId, store: db.kind, dataDir: options.dataDir }, 'hub started');

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      log.info('hub stopping');
      // Closing the server closes the connections idle at that moment; one whose request is still
      // being answered would then stay open, kept alive, for Fastify's 72 s keep-alive timeout, and
      // the close with it. From now on an answered connection is closed at once.
      app.server.keepAliveTimeout = 1;
      access.stop();
      clearInterval(prune);
      await cluster.handOver().catch((error: unknown) => log.error({ err: error }, 'handing over to the other hubs failed'));
      // socket.io first (it closes the HTTP server too), then let queued writes finish.
      await new Promise<void>((resolve) => void io.close(() => resolve()));
      await app.close();
      await service.close();
      await deliverer.stop();
      await connectorDeliverer.stop();
      await platformDeliverer.stop();
      await completer.stop();
      await service.idle(); // announcements of issues the last deliveries recorded
      await fanOut?.end(); // after them: the other hubs' apps still hear them
      await db.close();
      log.info('hub stopped');
    })());

  return { url, port, db, service, access, close };
}

export interface RunningDemoHub extends RunningHub {
  /** The demo agent Ana's token: what an app signs in with to see the demo. */
  agentToken: string;
  /** Every demo person's token (Ana, Ben, lead Lee). */
  demoTokens: string[];
}

/**
 * A hub with the demo accounts and the demo bot sending it handoffs and answering its webhooks:
 * `--demo --demo-bot` in one call, for the CLI and the desktop app's embedded hub. The callers keep
 * it on loopback: its credentials are published.
 */
export async function startDemoHub(options: Omit<HubOptions, 'demo'> = {}): Promise<RunningDemoHub> {
  const log = options.log ?? silentLogger();
  // Chatwoot and Sunshine Conversations stand-ins, with their published demo secrets in the hub's environment.
  const platforms = await startDemoPlatforms(log.child({ component: 'demo-platforms' }));
  let hub: RunningHub;
  try {
    hub = await startHub({ ...options, log, demo: true, host: options.host ?? '127.0.0.1', env: { ...(options.env ?? process.env), ...DEMO_PLATFORM_ENV } });
  } catch (error) {
    await platforms.stop();
    throw error;
  }
  let bot: Awaited<ReturnType<typeof startDemoBot>> | undefined;
  let playing: NodeJS.Timeout | undefined;
  let played: Promise<void> = Promise.resolve();
  try {
    await platforms.createIntegrations(hub.db);
    for (const input of platforms.platforms) await setPlatform(hub.db, input);
    bot = await startDemoBot({
      hubUrl: hub.url,
      integrationKey: DEMO.integration.key,
      signingSecret: DEMO.integration.signingSecret,
      log: log.child({ component: 'demo-bot' }),
    });
    await setCallbackUrl(hub.db, DEMO.integration.name, bot.callbackUrl);
    // A few seconds in, after the demo bot's first handoff: one conversation from each platform.
    playing = setTimeout(() => {
      played = platforms.play(hub.url).catch((error: unknown) => log.warn({ err: String(error) }, 'the demo platforms could not hand off'));
    }, 4_000);
    playing.unref();
  } catch (error) {
    await bot?.stop();
    await hub.close();
    await platforms.stop();
    throw error;
  }
  const running = bot;
  return {
    ...hub,
    agentToken: DEMO.agents[0].token,
    demoTokens: DEMO.agents.map((person) => person.token),
    close: async () => {
      clearTimeout(playing);
      await played;
      await running.stop();
      await hub.close();
      await platforms.stop();
    },
  };
}
