import type { FastifyReply } from 'fastify';
import type { FieldIssue, HttpErrorCode } from '../../shared/protocol/index.ts';

/** An HTTP error in the protocol's shape; thrown by routes and rendered by the error handler. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: HttpErrorCode,
    message: string,
    readonly issues?: FieldIssue[],
  ) {
    super(message);
  }
}

export function sendError(reply: FastifyReply, error: HttpError): FastifyReply {
  return reply.code(error.status).send({
    error: { code: error.code, message: error.message, ...(error.issues && { issues: error.issues }) },
  });
}

export function invalidPacket(issues: FieldIssue[]): HttpError {
  const fields = [...new Set(issues.map((i) => i.path || '(body)'))].join(', ');
  return new HttpError(400, 'invalid_packet', `The packet is invalid: ${fields}.`, issues);
}
