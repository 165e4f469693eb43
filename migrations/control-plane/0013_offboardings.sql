CREATE TABLE "offboardings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"tenant_slug" text NOT NULL,
	"state" text NOT NULL,
	"previous_status" text NOT NULL,
	"grace_ms" bigint NOT NULL,
	"erase_after" timestamp with time zone NOT NULL,
	"export_requested" boolean DEFAULT false NOT NULL,
	"export" jsonb,
	"requested_by" text NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"plan" jsonb,
	"worker" text,
	"heartbeat_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"cancelled_by" text,
	"result" jsonb,
	"error" text,
	CONSTRAINT "offboardings_state_check" CHECK ("offboardings"."state" in ('scheduled', 'erasing', 'done', 'cancelled', 'failed'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX "offboardings_one_active_per_tenant" ON "offboardings" USING btree ("tenant_id") WHERE state in ('scheduled', 'erasing');--> statement-breakpoint
CREATE INDEX "offboardings_due_idx" ON "offboardings" USING btree ("erase_after") WHERE state in ('scheduled', 'erasing');--> statement-breakpoint
CREATE INDEX "offboardings_requested_idx" ON "offboardings" USING btree ("requested_at");