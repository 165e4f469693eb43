ALTER TABLE "migration_runs" ADD COLUMN "waves" jsonb;--> statement-breakpoint
ALTER TABLE "moves" ADD COLUMN "verification" jsonb;