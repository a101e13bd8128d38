// What every platform adapter implements, so later platforms fit the same shape: verify a
// webhook, read what it reports, fetch the rest of the context, build the packet, and say which
// calls give the conversation back.
import type { IncomingHttpHeaders } from 'node:http';
import type { ContextPacket, FieldIssue, Handoff } from '../../shared/protocol/index.ts';
import type { PlatformIntegration, PlatformKind } from './config.ts';

export interface IncomingRequest {
  headers: IncomingHttpHeaders;
  raw: Buffer;
}

/** The platform's own proof checked out, failed (why), or none is configured (the integration key is needed). */
export type Verdict = { ok: true } | { ok: false; why: string } | { bearer: true };

/** A handoff a webhook reports: `context` is JSON, kept while the platform's API cannot be read. */
export interface HandoffNews<C> {
  /** `<kind>:<app or account>:<conversation id>`: every handoff of one conversation shares it. */
  conversation: string;
  /** The same delivery again (a platform's retry) gives the same handoff. */
  delivery: string;
  context: C;
}

export type News<C> =
  | { ignore: string }
  | { handoff: HandoffNews<C> }
  /** The platform took the conversation away from the humans (resolved, back to the bot). */
  | { release: { conversation: string; why: string } };

/** What Baton does in Baton that the platform should hear. */
export type Outcome = { kind: 'accepted'; chatwootUserId?: string | undefined } | { kind: 'returned_to_bot'; note: string } | { kind: 'resolved'; note?: string | undefined };

/** One POST to the platform's API, as the outbox keeps it (no credentials in it). */
export interface PlatformCall {
  action: string;
  /** Path under the API URL, with its query. */
  path: string;
  json: unknown;
  /** For the history: "given back to the bot in Chatwoot". */
  describe: string;
}

export interface ApiClient {
  /** GETs JSON from a path under the API URL; throws with a short reason on any failure. */
  get(path: string): Promise<unknown>;
}

export interface PlatformAdapter<K extends PlatformKind, C, F> {
  kind: K;
  label: string;
  verify(request: IncomingRequest, platform: PlatformIntegration<K>, env: NodeJS.ProcessEnv, now: Date): Verdict;
  /** What the webhook reports, one news per event; `reject` when the body is not what the platform sends (`issues` name the fields in its own shape). */
  read(body: unknown, platform: PlatformIntegration<K>): Array<News<C>> | { reject: string; issues?: FieldIssue[] };
  /** The transcript and customer from the platform's API; absent when the webhook carries the whole context. */
  fetch?(context: C, platform: PlatformIntegration<K>, api: ApiClient): Promise<F>;
  /** The packet: from the webhook alone (`fetched` undefined, a partial handoff) or with what was fetched. */
  packet(context: C, fetched: F | undefined, platform: PlatformIntegration<K>): ContextPacket;
  /** Headers (and query parameters) that sign a request in to the platform's API, or why they cannot be made. */
  auth(platform: PlatformIntegration<K>, env: NodeJS.ProcessEnv): { headers: Record<string, string>; query?: Record<string, string> } | { missing: string };
  /** The calls telling the platform what happened in Baton (none when it needs to hear nothing). */
  calls(conversation: string, outcome: Outcome, platform: PlatformIntegration<K>): PlatformCall[];
  /**
   * The answer in the platform's own shape, for a platform that reads it (a bot framework's
   * webhook answer); without it the answer is Baton's: the handoff, or what was ignored.
   */
  answer?(handoff: Handoff | undefined, platform: PlatformIntegration<K>): unknown;
}
