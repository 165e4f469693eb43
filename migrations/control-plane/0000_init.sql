CREATE TABLE "migration_ledger" (
	"target" text NOT NULL,
	"migration" text NOT NULL,
	"tier" text NOT NULL,
	"tenant_id" uuid,
	"server" text NOT NULL,
	"database" text NOT NULL,
	"schema" text NOT NULL,
	"checksum" text NOT NULL,
	"status" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"duration_ms" integer,
	"error" text,
	CONSTRAINT "migration_ledger_target_migration_pk" PRIMARY KEY("target","migration"),
	CONSTRAINT "migration_ledger_status_check" CHECK ("migration_ledger"."status" in ('running', 'applied', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "placements" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"tier" text NOT NULL,
	"server" text NOT NULL,
	"database" text NOT NULL,
	"schema" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"state" text NOT NULL,
	"schema_version" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "placements_tier_check" CHECK ("placements"."tier" in ('shared', 'schema', 'database')),
	CONSTRAINT "placements_state_check" CHECK ("placements"."state" in ('provisioning', 'ready', 'moving'))
);
--> statement-breakpoint
CREATE TABLE "servers" (
	"name" text PRIMARY KEY NOT NULL,
	"host" text NOT NULL,
	"port" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tenants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tenants_slug_key" UNIQUE("slug"),
	CONSTRAINT "tenants_slug_check" CHECK ("tenants"."slug" ~ '^[a-z][a-z0-9-]{2,62}$'),
	CONSTRAINT "tenants_status_check" CHECK ("tenants"."status" in ('provisioning', 'active', 'suspended', 'deleting'))
);
--> statement-breakpoint
ALTER TABLE "placements" ADD CONSTRAINT "placements_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "placements" ADD CONSTRAINT "placements_server_servers_name_fk" FOREIGN KEY ("server") REFERENCES "public"."servers"("name") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "migration_ledger_tenant_idx" ON "migration_ledger" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "placements_tier_idx" ON "placements" USING btree ("tier");--> statement-breakpoint
CREATE INDEX "tenants_status_idx" ON "tenants" USING btree ("status","slug");