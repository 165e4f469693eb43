-- Usage of tenants deleted before this migration has no tenant to reference any more.
DELETE FROM "tenant_usage" u WHERE NOT EXISTS (SELECT 1 FROM "tenants" t WHERE t."id" = u."tenant_id");--> statement-breakpoint
ALTER TABLE "tenant_usage" ADD CONSTRAINT "tenant_usage_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;
