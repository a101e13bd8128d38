// How people and bots prove who they are: an agent's token (the socket's `auth.token`, or
// `Authorization: Bearer` on the lead API) and an integration's key, each looked up by its hash.
import type { AgentRow } from '../store/agents.ts';
import { findAgentByTokenHash } from '../store/agents.ts';
import type { Queryable } from '../store/queryable.ts';
import { hashSecret } from './secrets.ts';

/** Longer than any token or key the hub issues: a longer credential is refused without hashing it. */
export const MAX_CREDENTIAL_LENGTH = 500;

/** Whether `value` could be a credential at all (a non-empty string of a length the hub issues). */
export const credentialShaped = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length < MAX_CREDENTIAL_LENGTH;

/** The person an agent token belongs to; undefined for a token the hub does not know, or no token at all. */
export async function agentByToken(q: Queryable, token: unknown): Promise<AgentRow | undefined> {
  return credentialShaped(token) ? findAgentByTokenHash(q, hashSecret(token)) : undefined;
}
