export { ProblemDetailsFilter } from './problem-details.filter';
export type { StatusMap } from './problem-details.filter';
export { ZodValidationPipe } from './zod-validation.pipe';
export { configureHttpApp } from './configure-http-app';
export { problem, PROBLEM_CONTENT_TYPE } from './problem';
export type { Problem } from './problem';
export { PostgresHealthIndicator } from './postgres-health.indicator';
export { exitOnSignals } from './graceful-shutdown';
export type { ShutdownOptions } from './graceful-shutdown';
