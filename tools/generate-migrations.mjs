#!/usr/bin/env node
// Generates migrations with drizzle-kit, then completes the tenant migrations it just wrote (see
// tenant-migration-sql.mjs): schema-neutral names and forced row-level security. Files that existed
// before are left exactly as they are: an applied migration whose text changed is refused as drift.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { completeTenantMigration } from './tenant-migration-sql.mjs';

const dir = 'migrations/tenant';
const sqlFiles = () => new Set(readdirSync(dir).filter((f) => f.endsWith('.sql')));
const before = sqlFiles();

const extra = process.argv.slice(2);
for (const config of ['drizzle-control-plane.config.ts', 'drizzle-tenant.config.ts']) {
  execFileSync('npx', ['drizzle-kit', 'generate', '--config', config, ...extra], { stdio: 'inherit' });
}

for (const file of [...sqlFiles()].filter((f) => !before.has(f))) {
  const path = join(dir, file);
  const sql = readFileSync(path, 'utf8');
  const complete = completeTenantMigration(sql);
  if (complete !== sql) {
    writeFileSync(path, complete);
    console.log(`completed ${path}: schema-neutral names, forced row-level security`);
  }
}
