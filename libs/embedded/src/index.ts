export { startEmbeddedPostgres } from './embedded-postgres';
export type { EmbeddedPostgresOptions, RunningEmbeddedPostgres } from './embedded-postgres';
export { loadOrCreateSecrets } from './secrets';
export type { EmbeddedSecrets } from './secrets';
