import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './libs/control-plane/src/schema/control-plane.schema.ts',
  out: './migrations/control-plane',
});
