import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs on stderr, so stdout carries only what people and scripts read (the ready
 * line, admin output). Credentials are redacted wherever they might appear.
 */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino(
    {
      name: 'baton-hub',
      level,
      redact: {
        paths: ['req.headers.authorization', 'headers.authorization', 'token', 'key', 'signingSecret', 'secret', '*.token', '*.signingSecret'],
        censor: '[redacted]',
      },
    },
    pino.destination(2),
  );
}

/** A logger that drops everything, for tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
