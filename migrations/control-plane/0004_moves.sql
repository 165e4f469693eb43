CREATE TABLE "moves" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"from_tier" text NOT NULL,
	"from_server" text NOT NULL,
	"from_database" text NOT NULL,
	"from_schema" text NOT NULL,
	"from_version" integer NOT NULL,
	"to_tier" text NOT NULL,
	"to_server" text NOT NULL,
	"to_database" text NOT NULL,
	"to_schema" text NOT NULL,
	"state" text NOT NULL,
	"rows_copied" bigint DEFAULT 0 NOT NULL,
	"rows_total" bigint DEFAULT 0 NOT NULL,
	"freeze_ms" integer,
	"requested_by" text,
	"cancel_requested" boolean DEFAULT false NOT NULL,
	"worker" text,
	"heartbeat_at" timestamp with time zone,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"cleanup_at" timestamp with time zone,
	"cleaned_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"error" text,
	CONSTRAINT "moves_state_check" CHECK ("moves"."state" in ('pending', 'copying', 'catching_up', 'cutover', 'verifying', 'cleaning_up', 'done', 'failed', 'cancelled'))
);
--> statement-breakpoint
ALTER TABLE "placements" DROP CONSTRAINT "placements_state_check";--> statement-breakpoint
ALTER TABLE "moves" ADD CONSTRAINT "moves_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "moves_one_active_per_tenant" ON "moves" USING btree ("tenant_id") WHERE state not in ('done', 'failed', 'cancelled');--> statement-breakpoint
CREATE INDEX "moves_started_idx" ON "moves" USING btree ("started_at");--> statement-breakpoint
ALTER TABLE "placements" ADD CONSTRAINT "placements_state_check" CHECK ("placements"."state" in ('provisioning', 'ready', 'moving', 'frozen'));