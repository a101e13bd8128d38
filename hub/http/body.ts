import type { ZodType } from 'zod';
import { issueList } from '../../shared/protocol/index.ts';
import { invalidBody, invalidPacket } from './errors.ts';

/**
 * `input` as `schema` reads it, or a 400 that names every wrong field (bounded): `invalid_packet`
 * for a context packet, `invalid_request` for any other body or query.
 */
export function parseBody<T>(schema: ZodType<T>, input: unknown, what: 'packet' | 'request body' | 'query'): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const list = issueList(result.error);
  throw what === 'packet' ? invalidPacket(list) : invalidBody('invalid_request', what, list);
}
