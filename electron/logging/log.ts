import type { MainLogger } from 'electron-log';

/** What main-process modules log through: electron-log in the app, a recorder in tests. */
export interface Log {
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

/** The part of electron-log's main logger Baton sets up. */
export type MainLogPort = Pick<MainLogger, 'info' | 'warn' | 'error' | 'errorHandler'> & {
  transports: { file: Pick<MainLogger['transports']['file'], 'level' | 'maxSize'>; console: Pick<MainLogger['transports']['console'], 'level'> };
};

/**
 * Main-process logs go to electron-log's file (`<logs>/main.log`, rotated at 5 MB); the console
 * gets warnings only, unless the app runs unpackaged. Uncaught errors are logged, not shown.
 */
export function setupMainLog(logger: MainLogPort, { packaged }: { packaged: boolean }): Log {
  logger.transports.file.level = 'info';
  logger.transports.file.maxSize = 5 * 1024 * 1024;
  logger.transports.console.level = packaged ? 'warn' : 'info';
  logger.errorHandler.startCatching({ showDialog: false });
  const write =
    (level: 'info' | 'warn' | 'error') =>
    (message: string, details?: Record<string, unknown>): void => {
      if (details) logger[level](message, details);
      else logger[level](message);
    };
  return { info: write('info'), warn: write('warn'), error: write('error') };
}

