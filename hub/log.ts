import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Structured JSON logs on stderr, so stdout carries only what people and scripts read (the ready
 * line, admin output). Credentials are redacted wherever they might appear.
 */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info', destination: DestinationStream = pino.destination(2)): Logger {
  return pino(
    {
      name: 'baton-hub',
      level,
      redact: {
        paths: [
          'req.headers.authorization',
          'headers.authorization',
          'token',
          'key',
          'signingSecret',
          'secret',
          'credentials',
          'eventsSecret',
          '*.token',
          '*.signingSecret',
          '*.credentials',
          '*.eventsSecret',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

/** A logger that drops everything, for tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
