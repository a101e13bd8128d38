// `POST /v1/ingress/<platform>/<integration>`: a messaging platform's webhook. Verified against the
// raw body with the platform's own secret or signature (or, when none is configured, the
// integration's key) before anything is read. A handoff is created at once: with the transcript
// and customer from the platform's API when it answers in time, else partial, completed later.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Handoff } from '../../shared/protocol/index.ts';
import type { Integration } from '../auth/integration-keys.ts';
import type { HandoffService } from '../service/handoff-service.ts';
import { HttpError } from '../http/errors.ts';
import { credentialShaped } from '../auth/sign-in.ts';
import { bearerToken, signInLockedError, type SignInLimiter } from '../http/rate-limits.ts';
import { bodyHash } from '../platforms/chatwoot.ts';
import type { Pending } from '../platforms/completer.ts';
import { PLATFORM_KINDS, PlatformKind, findPlatform, secretsOf, type PlatformIntegration } from '../platforms/config.ts';
import { existingHandoff, receiveHandoff, releaseConversation } from '../handoffs/platform-actions.ts';
import { adapterOf, apiClient, scrubber, storable } from '../platforms/index.ts';

/** A platform's webhook may carry more than a packet (Sunshine batches events, Chatwoot the conversation). */
const MAX_WEBHOOK_BYTES = 1024 * 1024;

export interface PlatformIngressOptions {
  service: HandoffService;
  signIns: SignInLimiter;
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
  fetch?: typeof fetch;
  /** Per request to the platform's API while the webhook waits. Default 5 s. */
  requestTimeoutMs?: number;
  /** A partial handoff was created (the completer should look). */
  onPartial?: () => void;
}

type Result = { handoff: Handoff; created: boolean } | { cancelled: Handoff } | { ignored: string };

export function platformIngress(options: PlatformIngressOptions) {
  const env = options.env ?? process.env;
  const now = options.now ?? (() => new Date());
  const fetchFn = options.fetch ?? fetch;
  const timeoutMs = options.requestTimeoutMs ?? 5_000;
  const { service, signIns } = options;

  /** Whether the request proves it comes from the integration's platform; 401 otherwise. */
  async function authenticate(request: FastifyRequest, platform: PlatformIntegration, raw: Buffer): Promise<void> {
    const locked = signIns.locked(request.ip);
    if (locked) throw signInLockedError(locked);
    const adapter = adapterOf(platform.kind);
    const verdict = adapter.verify({ headers: request.headers, raw }, platform, env, now());
    if ('ok' in verdict && verdict.ok) return;
    if ('bearer' in verdict) {
      const key = bearerToken(request.headers.authorization);
      const integration = credentialShaped(key) ? await service.integrations.find(key) : undefined;
      if (integration?.id === platform.integrationId) return;
      signIns.failed(request.ip);
      throw new HttpError(401, 'unauthorized', `No webhook secret is configured for ${platform.name}: send its integration key as "Authorization: Bearer <key>".`);
    }
    signIns.failed(request.ip);
    throw new HttpError(401, 'unauthorized', `The request is not from ${adapter.label}: ${verdict.why}.`);
  }

  async function handoffFrom(request: FastifyRequest, platform: PlatformIntegration, news: { conversation: string; delivery: string; context: unknown }, raw: Buffer): Promise<Result> {
    const adapter = adapterOf(platform.kind);
    const integration: Integration = { id: platform.integrationId, name: platform.name, default_team: platform.defaultTeam };
    const delivery = `${platform.kind}:${news.delivery || bodyHash(raw)}`;
    // A retry, or the conversation's handoff still open: nothing to fetch.
    const same = await existingHandoff(service.db, platform.integrationId, delivery, news.conversation);
    if (same) return { handoff: (await service.handoffWithEvents(platform.integrationId, same))!, created: false };
    let fetched: unknown;
    let pending: Pending | null = null;
    // A bot framework's webhook carries the whole context: nothing to fetch.
    if (adapter.fetch) {
      try {
        const auth = adapter.auth(platform, env);
        if ('missing' in auth) throw new Error(auth.missing);
        const keyId = platform.kind === 'sunshine' ? (platform.settings as { keyId: string }).keyId : undefined;
        const api = apiClient(platform, auth.headers, { fetch: fetchFn, timeoutMs, scrub: scrubber(secretsOf(platform.credentials, env), keyId) });
        fetched = await adapter.fetch(news.context, platform, api);
      } catch (error) {
        // Never lose the handoff to a slow platform: it goes out with what the webhook carried.
        pending = { kind: platform.kind, context: news.context };
        request.log.warn({ integration: platform.name, platform: platform.kind, error: (error as Error).message }, 'platform API unavailable; handoff created partial');
      }
    }
    const packet = adapter.packet(news.context, pending ? undefined : fetched, platform);
    const result = await service.change((t) => receiveHandoff(t, integration, { conversation: news.conversation, delivery, packet, pending }));
    if (result.created && pending) options.onPartial?.();
    request.log.info({ handoffId: result.handoff.id, integration: platform.name, created: result.created, platform: platform.kind, partial: pending !== null }, 'handoff received');
    return result;
  }

  return async function plugin(app: FastifyInstance): Promise<void> {
    // Signatures cover the bytes as sent: keep them, whatever the content type says.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_WEBHOOK_BYTES }, (_request, body, done) => done(null, body));

    app.post<{ Params: { platform: string; integration: string } }>('/v1/ingress/:platform/:integration', { bodyLimit: MAX_WEBHOOK_BYTES }, async (request, reply) => {
      const kind = PlatformKind.safeParse(request.params.platform);
      if (!kind.success) throw new HttpError(404, 'not_found', `No platform "${request.params.platform.slice(0, 50)}": use ${PLATFORM_KINDS.join(', ')}.`);
      const platform = await findPlatform(service.db, kind.data, request.params.integration);
      if (!platform) throw new HttpError(404, 'not_found', `No ${kind.data} integration named "${request.params.integration.slice(0, 100)}" on this hub.`);
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      await authenticate(request, platform, raw);
      let body: unknown;
      try {
        body = storable(JSON.parse(raw.toString('utf8')) as unknown);
      } catch {
        throw new HttpError(400, 'invalid_request', 'The body is not valid JSON.', [{ path: '', message: 'not valid JSON' }]);
      }
      const adapter = adapterOf(platform.kind);
      const newsList = adapter.read(body, platform);
      if ('reject' in newsList) {
        const fields = newsList.issues?.length ? ` (${[...new Set(newsList.issues.map((i) => i.path || '(body)'))].slice(0, 5).join(', ')})` : '';
        throw new HttpError(400, 'invalid_request', `The webhook is invalid: ${newsList.reject}${fields}.`, newsList.issues);
      }
      const results: Result[] = [];
      for (const news of newsList) {
        if ('ignore' in news) results.push({ ignored: news.ignore });
        else if ('release' in news) {
          const { conversation, why } = news.release;
          const cancelled = await service.change((t) => releaseConversation(t, platform.integrationId, conversation, why));
          results.push(cancelled ? { cancelled } : { ignored: `${why}; no open handoff for this conversation` });
          if (cancelled) request.log.info({ handoffId: cancelled.id, integration: platform.name, platform: platform.kind }, 'handoff cancelled by the platform');
        } else results.push(await handoffFrom(request, platform, news.handoff, raw));
      }
      const handoffs = results.flatMap((r) => ('handoff' in r ? [r] : []));
      // A bot framework reads the answer as its own webhook's: always 200, in its shape.
      if (adapter.answer) return reply.code(200).send(adapter.answer(handoffs[0]?.handoff, platform));
      if (handoffs.length > 0) {
        return reply.code(handoffs.some((r) => r.created) ? 201 : 200).send({ handoff: handoffs[0]!.handoff, ...(handoffs.length > 1 && { handoffs: handoffs.map((r) => r.handoff) }) });
      }
      const cancelled = results.flatMap((r) => ('cancelled' in r ? [r.cancelled] : []));
      if (cancelled.length > 0) return { cancelled: cancelled[0] };
      return { ignored: [...new Set(results.map((r) => ('ignored' in r ? r.ignored : '')))].join('; ') };
    });
  };
}
