import pino, { type DestinationStream, type Logger } from 'pino';

/** A log destination that can say when what was written has left the process. */
export interface LogDestination extends DestinationStream {
  /** Resolves once every line written so far has been handed to the OS or dropped, or after `timeoutMs`. */
  flushed(timeoutMs: number): Promise<void>;
}

/**
 * Log lines through Node's own stream for stderr. Whatever the reader of stderr does, logging never
 * holds the hub up: a pipe that is full makes the stream queue lines in memory (the event loop and
 * a stop go on), and at exit Node does not wait for them. Once a write fails (EPIPE when the reader
 * has gone, as when the parent process exited), the stream is given up and later lines are dropped.
 * (pino's own destination flushes synchronously at exit and retries a failed write there without
 * end: with its reader gone, a hub stopped by a signal would never exit.)
 */
export function stderrDestination(stream: NodeJS.WritableStream = process.stderr): LogDestination {
  let broken = false;
  let pending = 0;
  const waiters = new Set<() => void>();
  const settle = () => {
    if (pending > 0 && !broken) return;
    for (const waiter of [...waiters]) waiter();
  };
  stream.on('error', () => {
    broken = true;
    settle();
  });
  return {
    write(line: string) {
      if (broken) return;
      pending += 1;
      stream.write(line, (error) => {
        pending -= 1;
        if (error) broken = true;
        settle();
      });
    },
    flushed(timeoutMs: number) {
      if (pending === 0 || broken) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        waiters.add(done);
      });
    },
  };
}

/**
 * Structured JSON logs on stderr, so stdout carries only what people and scripts read (the ready
 * line, admin output). Credentials are redacted wherever they might appear.
 */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info', destination: DestinationStream = stderrDestination()): Logger {
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
