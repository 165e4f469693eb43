CREATE TABLE "migration_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"status" text NOT NULL,
	"options" jsonb NOT NULL,
	"requested_by" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"targets_total" integer DEFAULT 0 NOT NULL,
	"targets_done" integer DEFAULT 0 NOT NULL,
	"summary" jsonb,
	"results" jsonb,
	"error" text,
	CONSTRAINT "migration_runs_status_check" CHECK ("migration_runs"."status" in ('running', 'succeeded', 'failed'))
);
--> statement-breakpoint
CREATE INDEX "migration_runs_started_idx" ON "migration_runs" USING btree ("started_at");