// How bots sign in over HTTP: `Authorization: Bearer <integration key>`. Routes that take a body
// check the key before the body is read (a preParsing hook), so a stranger's body is never parsed,
// searched or validated; the handler then finds the integration the hook signed in.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Integration } from '../auth/integration-keys.ts';
import { credentialShaped } from '../auth/sign-in.ts';
import { HttpError } from './errors.ts';
import { bearerToken, signInLockedError, type SignInLimiter } from './rate-limits.ts';

export interface IntegrationAuth {
  /** The integration whose key the request carries, or 401 (counted as a failed sign-in) / 429 for a locked address. */
  authenticate: (request: FastifyRequest) => Promise<Integration>;
  /** A preParsing hook that signs the request in before its body is read. */
  beforeBody: <P>(request: FastifyRequest, reply: FastifyReply, payload: P) => Promise<P>;
}

/** `find` looks a key up (IntegrationKeys.find); every 401 counts against the client's address in `signIns`. */
export function integrationAuth(find: (key: string) => Promise<Integration | undefined>, signIns: SignInLimiter | undefined): IntegrationAuth {
  const signedIn = new WeakMap<FastifyRequest, Promise<Integration>>();

  async function signIn(request: FastifyRequest): Promise<Integration> {
    const locked = signIns?.locked(request.ip);
    if (locked) throw signInLockedError(locked);
    const key = bearerToken(request.headers.authorization);
    if (!credentialShaped(key)) {
      signIns?.failed(request.ip);
      throw new HttpError(401, 'unauthorized', 'Send the integration key as "Authorization: Bearer <key>".');
    }
    const integration = await find(key);
    if (!integration) {
      signIns?.failed(request.ip);
      throw new HttpError(401, 'unauthorized', 'The integration key is not known to this hub.');
    }
    return integration;
  }

  const authenticate = (request: FastifyRequest): Promise<Integration> => {
    let found = signedIn.get(request);
    if (!found) {
      found = signIn(request);
      signedIn.set(request, found);
    }
    return found;
  };

  return {
    authenticate,
    async beforeBody(request, _reply, payload) {
      await authenticate(request);
      return payload;
    },
  };
}
