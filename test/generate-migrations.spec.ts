import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain ES module of the generator, without type declarations
import { completeTenantMigration } from '../tools/tenant-migration-sql.mjs';

const complete = completeTenantMigration as (sql: string) => string;

describe('the tenant migration generator', () => {
  const generated = [
    'CREATE TABLE "badges" ("tenant_id" uuid NOT NULL, "id" uuid NOT NULL, "employee_id" uuid NOT NULL);',
    '--> statement-breakpoint',
    'ALTER TABLE "badges" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint',
    'ALTER TABLE "badges" ADD CONSTRAINT "badges_employee_fkey" FOREIGN KEY ("tenant_id","employee_id") ' +
      'REFERENCES "public"."employees"("tenant_id","id");--> statement-breakpoint',
    'ALTER TABLE "notes" ENABLE ROW LEVEL SECURITY;',
  ].join('\n');

  it('forces row-level security on every table it enables it on', () => {
    const sql = complete(generated);
    expect(sql).toContain('ALTER TABLE "badges" FORCE ROW LEVEL SECURITY;');
    expect(sql).toContain('ALTER TABLE "notes" FORCE ROW LEVEL SECURITY;');
    // Each statement still stands between breakpoints, so the runner applies them one by one.
    expect(sql.split('--> statement-breakpoint').map((s) => s.trim())).toContain(
      'ALTER TABLE "badges" FORCE ROW LEVEL SECURITY;',
    );
  });

  it('makes references schema-neutral, so one file builds every tier', () => {
    expect(complete(generated)).toContain('REFERENCES "employees"("tenant_id","id")');
    expect(complete(generated)).not.toContain('"public".');
  });

  it('changes nothing the second time', () => {
    const once = complete(generated);
    expect(complete(once)).toBe(once);
  });
});
