import { describeError } from '../outbox/deliverer.ts';
import { chatwoot } from './chatwoot.ts';
import { apiUrlOf, type PlatformIntegration, type PlatformKind } from './config.ts';
import { dialogflowCx } from './dialogflow-cx.ts';
import { lex } from './lex.ts';
import { rasa } from './rasa.ts';
import { sunshine } from './sunshine.ts';
import type { ApiClient, PlatformAdapter } from './types.ts';

export const ADAPTERS = { sunshine, chatwoot, 'dialogflow-cx': dialogflowCx, rasa, lex } as const;

/** The adapter for a kind, typed loosely enough to be driven by code that does not know which. */
export function adapterOf(kind: PlatformKind): PlatformAdapter<PlatformKind, unknown, unknown> {
  return ADAPTERS[kind];
}

export const USER_AGENT = 'Baton-Platforms/1';

/** Takes secrets (as sent, URL-encoded, or inside Basic auth) out of a text before it is stored or logged. */
export function scrubber(secrets: readonly string[], keyId?: string): (text: string) => string {
  const all = new Set<string>();
  for (const value of secrets) {
    all.add(value);
    all.add(encodeURIComponent(value));
    if (keyId) all.add(Buffer.from(`${keyId}:${value}`, 'utf8').toString('base64'));
  }
  return (text) => {
    let clean = text;
    for (const value of all) if (value.length >= 4) clean = clean.split(value).join('[redacted]');
    return clean;
  };
}

/**
 * GETs JSON from the platform's API; any failure (network, timeout, non-2xx, not JSON) throws a
 * short, scrubbed reason. Each request may take `timeoutMs`, all of them together twice that: a
 * webhook waits for them, and a platform gives up on a webhook that takes too long.
 */
export function apiClient(
  platform: PlatformIntegration,
  headers: Record<string, string>,
  { fetch: fetchFn, timeoutMs, scrub }: { fetch: typeof fetch; timeoutMs: number; scrub: (text: string) => string },
): ApiClient {
  const overall = AbortSignal.timeout(2 * timeoutMs);
  return {
    async get(path) {
      const base = apiUrlOf(platform);
      if (base === undefined) throw new Error(`GET ${path}: the platform has no API URL`);
      let response: Response;
      try {
        response = await fetchFn(base + path, {
          headers: { accept: 'application/json', 'user-agent': USER_AGENT, ...headers },
          // A redirect would carry the credentials elsewhere.
          redirect: 'manual',
          signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), overall]),
        });
      } catch (error) {
        // The cause is left out on purpose here and below: it may hold the credentials scrub() takes out.
        // eslint-disable-next-line preserve-caught-error
        if (error instanceof Error && error.name === 'TimeoutError') throw new Error(`GET ${path}: no answer in time (${timeoutMs} ms per request, ${2 * timeoutMs} ms in all)`);
        // eslint-disable-next-line preserve-caught-error
        throw new Error(scrub(`GET ${path}: ${describeError(error)}`));
      }
      let text: string;
      try {
        text = await response.text();
      } catch (error) {
        // eslint-disable-next-line preserve-caught-error
        throw new Error(scrub(`GET ${path}: ${describeError(error)}`));
      }
      if (response.status < 200 || response.status >= 300) throw new Error(scrub(`GET ${path}: HTTP ${response.status}`));
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new Error(`GET ${path}: the answer is not JSON`);
      }
    },
  };
}

/**
 * Replaces what the store cannot keep (U+0000, lone UTF-16 surrogates) in every string and key of
 * a parsed JSON value, in place; iterative, so any nesting is fine. A platform's webhook is
 * accepted as it comes: refusing it would only make the platform retry it for ever.
 */
export function storable<T>(root: T): T {
  // eslint-disable-next-line no-control-regex -- U+0000 is what this takes out
  const bad = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
  // eslint-disable-next-line no-control-regex -- likewise
  const fix = (text: string) => (bad.test(text) ? text.replace(/\u0000/g, '').replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd') : text);
  if (typeof root === 'string') return fix(root) as T;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const value: unknown = node[i];
        if (typeof value === 'string') node[i] = fix(value);
        else if (value && typeof value === 'object') stack.push(value);
      }
    } else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        const value = record[key];
        const fixedKey = fix(key);
        const fixed = typeof value === 'string' ? fix(value) : value;
        if (fixedKey !== key) {
          delete record[key];
          Object.defineProperty(record, fixedKey, { value: fixed, enumerable: true, writable: true, configurable: true });
        } else if (fixed !== value) record[key] = fixed;
        if (fixed && typeof fixed === 'object') stack.push(fixed);
      }
    }
  }
  return root;
}
