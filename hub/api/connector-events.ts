// `POST /v1/connectors/:connectorId/events`: a product tool tells the hub that an issue changed
// status (GitHub's `issues` webhook, Jira's `jira:issue_updated`, Linear's Issue update, or the
// generic webhook's status event). Verified per tool against the raw body before anything is read.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ConnectorEventResponse, ConnectorKind } from '../../shared/protocol/index.ts';
import type { Tx } from '../core/effects.ts';
import type { HandoffService } from '../service/handoff-service.ts';
import { HttpError } from '../http/errors.ts';
import { signInLockedError, type SignInLimiter } from '../http/rate-limits.ts';
import { TOO_DEEP, textNestsDeeperThan } from '../http/nesting.ts';
import { describeUnstorable, unstorableText } from '../http/storable-text.ts';
import { CONNECTOR_SETTINGS, resolveSecret, type Credentials } from '../product/connectors/config.ts';
import { CONNECTORS } from '../product/connectors/index.ts';
import type { IncomingStatus } from '../product/connectors/types.ts';
import { findTeamItemId } from '../product/item-store.ts';
import { changeStatus } from '../product/items.ts';

/** Product tools' payloads can be larger than a packet (a GitHub issue event carries the issue). */
const MAX_EVENT_BYTES = 1024 * 1024;

interface ConnectorRow {
  id: string;
  team: string;
  kind: ConnectorKind;
  settings: unknown;
  credentials: Credentials;
}

export interface IncomingOptions {
  service: HandoffService;
  /** Where `*Env` secrets are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
  /** A bad signature, or an unknown connector, is a failed sign-in of the sender's address. */
  signIns?: SignInLimiter;
}

/** A request whose signature checked out: its connector, and how to read it. */
interface Verified {
  connector: ConnectorRow;
  spec: (typeof CONNECTORS)['github'];
  incoming: { headers: FastifyRequest['headers']; raw: Buffer };
}

/** Applies a verified status change to the item whose issue it concerns. */
async function applyStatus(t: Tx, connector: ConnectorRow, event: IncomingStatus, label: string): Promise<ConnectorEventResponse> {
  let itemId: string | undefined;
  if ('productItemId' in event.match) {
    itemId = await findTeamItemId(t.q, event.match.productItemId, connector.team);
  } else {
    const { rows } = await t.q.query<{ item_id: string }>(
      'select item_id from product_external_refs where connector_id = $1 and (external_id = $2 or external_key = $3) order by created_at limit 1',
      [connector.id, event.match.externalId, event.match.key ?? null],
    );
    itemId = rows[0]?.item_id;
  }
  if (!itemId) return { result: 'ignored', reason: 'no Baton product item for this issue' };
  const { item, changed } = await changeStatus(t, itemId, event.status, { kind: 'connector', id: connector.id, name: label }, event.note);
  return { result: changed ? 'updated' : 'unchanged', productItemId: item.id, status: item.status };
}

export function connectorEvents(options: IncomingOptions) {
  const env = options.env ?? process.env;
  const now = options.now ?? (() => new Date());
  return async function plugin(app: FastifyInstance): Promise<void> {
    // Signatures cover the bytes as sent: keep them, whatever the content type says.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_EVENT_BYTES }, (_request, body, done) => done(null, body));

    const verified = new WeakMap<FastifyRequest, Verified>();

    /** Refused as a failed sign-in of the sender's address. */
    const failed = (request: FastifyRequest, error: HttpError): HttpError => {
      options.signIns?.failed(request.ip);
      return error;
    };

    // The signature is checked first (it is cheap): until it has, nothing about the request is
    // counted against the connector, so a stranger who knows the events URL cannot use up the
    // tool's rate limit; what a stranger sends counts against their own address instead.
    const verify = async (request: FastifyRequest<{ Params: { connectorId: string } }>): Promise<void> => {
      const { rows } = await options.service.db.query<ConnectorRow>('select id, team, kind, settings, credentials from product_connectors where id = $1', [
        request.params.connectorId,
      ]);
      const connector = rows[0];
      if (!connector) throw failed(request, new HttpError(404, 'not_found', `There is no connector ${request.params.connectorId}.`));
      const spec = CONNECTORS[connector.kind] as (typeof CONNECTORS)['github'];
      // A webhook connector verifies with its signing secret; the others with their events secret.
      const secret = resolveSecret(connector.credentials, connector.kind === 'webhook' ? 'token' : 'eventsSecret', env);
      if ('missing' in secret) {
        throw new HttpError(403, 'forbidden', `Incoming events are off for this connector (${secret.missing}); set one with "connector set --events-secret-env".`);
      }
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const incoming = { headers: request.headers, raw };
      if (!spec.verify(incoming, secret.value, now())) {
        throw failed(request, new HttpError(401, 'unauthorized', `The request is not signed with this connector's secret (${spec.label}).`));
      }
      verified.set(request, { connector, spec, incoming });
    };

    const route = {
      bodyLimit: MAX_EVENT_BYTES,
      // A locked address is refused before its body is read.
      onRequest: async (request: FastifyRequest) => {
        const locked = options.signIns?.locked(request.ip);
        if (locked) throw signInLockedError(locked);
      },
      preValidation: verify,
      // The ingress limit (per connector) runs after the signature check, not before the body is read.
      config: { rateLimit: { hook: 'preHandler' as const } },
    };

    app.post<{ Params: { connectorId: string } }>('/v1/connectors/:connectorId/events', route, async (request) => {
      const { connector, spec, incoming } = verified.get(request)!;
      const raw = incoming.raw;
      const text = raw.toString('utf8');
      if (textNestsDeeperThan(text)) throw new HttpError(400, 'invalid_request', `The body ${TOO_DEEP.message}.`, [TOO_DEEP]);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new HttpError(400, 'invalid_request', 'The body is not valid JSON.', [{ path: '', message: 'not valid JSON' }]);
      }
      const settings = CONNECTOR_SETTINGS[connector.kind].parse(connector.settings);
      const event = spec.incoming(incoming, body, settings as never);
      let response: ConnectorEventResponse;
      if ('reject' in event) throw new HttpError(400, 'invalid_request', `The event is invalid: ${event.reject}.`);
      // Only what is kept is checked: a tool's event carries much text Baton never stores.
      const unstorable = 'ignore' in event ? [] : unstorableText(event);
      if (unstorable.length > 0) throw new HttpError(400, 'invalid_request', `The event has ${describeUnstorable(unstorable)}.`, unstorable);
      if ('ignore' in event) response = { result: 'ignored', reason: event.ignore };
      else response = await options.service.change((t) => applyStatus(t, connector, event, spec.label));
      request.log.info({ connectorId: connector.id, kind: connector.kind, ...response }, 'connector event');
      return response;
    });
  };
}
