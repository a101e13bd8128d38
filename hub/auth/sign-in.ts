// What a credential may look like, whoever presents it: an agent's token or session (the socket's
// `auth.token`, `Authorization: Bearer` on the lead API; see sessions.ts signedInWith) and an
// integration's key (integration-keys.ts), each looked up by its hash.

/** Longer than any token or key the hub issues: a longer credential is refused without hashing it. */
export const MAX_CREDENTIAL_LENGTH = 500;

/** Whether `value` could be a credential at all (a non-empty string of a length the hub issues). */
export const credentialShaped = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length < MAX_CREDENTIAL_LENGTH;
