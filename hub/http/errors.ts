import type { FastifyReply } from 'fastify';
import type { FieldIssue, HttpErrorCode } from '../../shared/protocol/index.ts';

/** An HTTP error in the protocol's shape; thrown by routes and rendered by the error handler. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: HttpErrorCode,
    message: string,
    readonly issues?: FieldIssue[],
    /** `429 rate_limited`: sent as the `Retry-After` header and `error.retryAfterSeconds`. */
    readonly retryAfterSeconds?: number,
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
      ...(error.retryAfterSeconds !== undefined && { retryAfterSeconds: error.retryAfterSeconds }),
    },
  });
}

export function invalidPacket(issues: FieldIssue[]): HttpError {
  const fields = [...new Set(issues.map((i) => i.path || '(body)'))].join(', ');
  return new HttpError(400, 'invalid_packet', `The packet is invalid: ${fields}.`, issues);
}
