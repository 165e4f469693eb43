#!/usr/bin/env node
// Generates migrations with drizzle-kit, then makes tenant migrations schema-neutral: drizzle-kit
// qualifies foreign-key targets with "public", but one tenant migration set must build the same objects
// in the shared database, in every tenant schema and in every tenant database (I3). The runner sets a
// transaction-local search_path, so unqualified names land in (and refer only to) the target schema.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const extra = process.argv.slice(2);
for (const config of ['drizzle-control-plane.config.ts', 'drizzle-tenant.config.ts']) {
  execFileSync('npx', ['drizzle-kit', 'generate', '--config', config, ...extra], { stdio: 'inherit' });
}
const dir = 'migrations/tenant';
for (const file of readdirSync(dir).filter((f) => f.endsWith('.sql'))) {
  const path = join(dir, file);
  const sql = readFileSync(path, 'utf8');
  const neutral = sql.replaceAll('"public".', '');
  if (neutral !== sql) {
    writeFileSync(path, neutral);
    console.log(`made ${path} schema-neutral`);
  }
}
