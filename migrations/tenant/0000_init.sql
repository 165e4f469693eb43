CREATE TABLE "employees" (
	"tenant_id" uuid DEFAULT nullif(current_setting('switchyard.tenant_id', true), '')::uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"full_name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "employees_pkey" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "employees" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "wellness_entries" (
	"tenant_id" uuid DEFAULT nullif(current_setting('switchyard.tenant_id', true), '')::uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"employee_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"value" numeric(12, 2) NOT NULL,
	"logged_on" date NOT NULL,
	"notes" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "wellness_entries_pkey" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "wellness_entries_kind_check" CHECK ("wellness_entries"."kind" in ('steps', 'sleep_hours', 'water_ml', 'mood', 'exercise_minutes', 'meditation_minutes'))
);
--> statement-breakpoint
ALTER TABLE "wellness_entries" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "wellness_entries" ADD CONSTRAINT "wellness_entries_employee_fkey" FOREIGN KEY ("tenant_id","employee_id") REFERENCES "employees"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "employees_tenant_email_key" ON "employees" USING btree ("tenant_id","email");--> statement-breakpoint
CREATE INDEX "wellness_entries_employee_idx" ON "wellness_entries" USING btree ("tenant_id","employee_id","logged_on");--> statement-breakpoint
CREATE INDEX "wellness_entries_logged_on_idx" ON "wellness_entries" USING btree ("tenant_id","logged_on");--> statement-breakpoint
CREATE POLICY "employees_tenant_isolation" ON "employees" AS PERMISSIVE FOR ALL TO public USING (tenant_id = nullif(current_setting('switchyard.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('switchyard.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "wellness_entries_tenant_isolation" ON "wellness_entries" AS PERMISSIVE FOR ALL TO public USING (tenant_id = nullif(current_setting('switchyard.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('switchyard.tenant_id', true), '')::uuid);