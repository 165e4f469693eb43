import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './libs/tenant-data/src/schema/tenant-data.schema.ts',
  out: './migrations/tenant',
  entities: { roles: false },
});
