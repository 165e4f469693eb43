export { DomainError, isDomainError } from './domain-error';
export type { ErrorCode } from './domain-error';
