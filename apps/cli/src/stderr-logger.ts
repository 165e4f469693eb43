import type { LoggerService } from '@nestjs/common';

/** Logs to stderr only, so a command's stdout stays its output (tables, JSON) and nothing else. */
export class StderrLogger implements LoggerService {
  log(): void {}

  warn(message: unknown, context?: string): void {
    process.stderr.write(`warn${context ? ` [${context}]` : ''}: ${String(message)}\n`);
  }

  error(message: unknown, ...rest: unknown[]): void {
    const context = typeof rest.at(-1) === 'string' ? ` [${String(rest.at(-1))}]` : '';
    process.stderr.write(`error${context}: ${String(message)}\n`);
  }
}
