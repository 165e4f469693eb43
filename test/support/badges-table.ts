// @ts-expect-error -- a plain ES module of the generator, without type declarations
import { completeTenantMigration } from '../../tools/tenant-migration-sql.mjs';

/**
 * A tenant table of the application's own, as a platform engineer adds it: a composite foreign key to
 * employees, the tenant column and its policy, completed by the migration generator.
 */
export const BADGES = (completeTenantMigration as (sql: string) => string)(
  [
    `CREATE TABLE "badges" (
	"tenant_id" uuid DEFAULT nullif(current_setting('switchyard.tenant_id', true), '')::uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"employee_id" uuid NOT NULL,
	"title" text NOT NULL,
	CONSTRAINT "badges_pkey" PRIMARY KEY("tenant_id","id")
);`,
    `ALTER TABLE "badges" ENABLE ROW LEVEL SECURITY;`,
    `ALTER TABLE "badges" ADD CONSTRAINT "badges_employee_fkey" FOREIGN KEY ("tenant_id","employee_id") REFERENCES "public"."employees"("tenant_id","id") ON DELETE cascade ON UPDATE no action;`,
    `CREATE POLICY "badges_tenant_isolation" ON "badges" AS PERMISSIVE FOR ALL TO public USING (tenant_id = nullif(current_setting('switchyard.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('switchyard.tenant_id', true), '')::uuid);`,
  ].join('--> statement-breakpoint\n'),
);
