import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: ['./libs/tenant-data/src/schema/tenant-data.schema.ts', './libs/idempotency/src/idempotency-keys.schema.ts'],
  out: './migrations/tenant',
  entities: { roles: false },
});
