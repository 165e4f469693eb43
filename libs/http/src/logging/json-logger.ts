import type { LoggerService, LogLevel } from '@nestjs/common';
import { pino, type Logger } from 'pino';

const PINO_LEVELS: Record<LogLevel, string> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

/** One JSON line per event on stdout, for a log collector: time, level, app, message and fields. */
export function jsonLogger(app: string, level: LogLevel): Logger {
  return pino({
    level: PINO_LEVELS[level],
    base: { app },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}

/** Nest's own logging (bootstrap, warnings, errors) written through pino. */
export class JsonNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }

  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, ...(trace ? { trace } : {}) }, String(message));
  }

  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }

  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }

  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }

  fatal(message: unknown, context?: string): void {
    this.logger.fatal({ context }, String(message));
  }
}

/**
 * How an app logs: `pretty`, Nest's readable lines at `levels`; `json`, everything through pino with
 * one line per request as well.
 */
export function httpLogging(
  app: string,
  format: 'json' | 'pretty',
  level: LogLevel,
  levels: LogLevel[],
): { logger: LoggerService | LogLevel[]; requests?: Logger } {
  if (format === 'pretty') return { logger: levels };
  const logger = jsonLogger(app, level);
  // Request lines are at the `log` level: LOG_LEVEL=warn or error turns them off.
  return { logger: new JsonNestLogger(logger), requests: levels.includes('log') ? logger : undefined };
}
