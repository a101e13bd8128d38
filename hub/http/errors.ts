import type { FastifyReply } from 'fastify';
import { listFields, type FieldIssue, type HttpErrorCode, type IssueList } from '../../shared/protocol/index.ts';

/** An HTTP error in the protocol's shape; thrown by routes and rendered by the error handler. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: HttpErrorCode,
    message: string,
    readonly issues?: FieldIssue[],
    /** `429 rate_limited`: sent as the `Retry-After` header and `error.retryAfterSeconds`. */
    readonly retryAfterSeconds?: number,
    /** Issues left out of `issues` (bounded, see MAX_ISSUES): sent as `error.moreIssues`. */
    readonly moreIssues = 0,
  ) {
    super(message);
  }
}

export function sendError(reply: FastifyReply, error: HttpError): FastifyReply {
  if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
  return reply.code(error.status).send({
    error: {
      code: error.code,
      message: error.message,
      ...(error.issues && { issues: error.issues }),
      ...(error.moreIssues > 0 && { moreIssues: error.moreIssues }),
      ...(error.retryAfterSeconds !== undefined && { retryAfterSeconds: error.retryAfterSeconds }),
    },
  });
}

/** A 400 naming the fields of a bounded issue list: `invalid_packet` for packets, `invalid_request` otherwise. */
export function invalidBody(code: 'invalid_packet' | 'invalid_request', what: string, list: IssueList): HttpError {
  return new HttpError(400, code, `The ${what} is invalid: ${listFields(list)}.`, list.issues, undefined, list.more);
}

export function invalidPacket(issues: FieldIssue[] | IssueList): HttpError {
  return invalidBody('invalid_packet', 'packet', Array.isArray(issues) ? { issues, more: 0 } : issues);
}
