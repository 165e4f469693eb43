CREATE TABLE "tenant_usage" (
	"tenant_id" uuid NOT NULL,
	"minute" timestamp with time zone NOT NULL,
	"requests" bigint DEFAULT 0 NOT NULL,
	"errors" bigint DEFAULT 0 NOT NULL,
	"db_ms" bigint DEFAULT 0 NOT NULL,
	"rows" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "tenant_usage_tenant_id_minute_pk" PRIMARY KEY("tenant_id","minute")
);
--> statement-breakpoint
CREATE INDEX "tenant_usage_minute_idx" ON "tenant_usage" USING btree ("minute");