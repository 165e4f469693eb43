-- drizzle-kit can enable RLS but not force it. Forcing makes the policies bind the table owner too,
-- so no role but a superuser or a BYPASSRLS role ever sees across tenants (I2).
ALTER TABLE "employees" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "wellness_entries" FORCE ROW LEVEL SECURITY;
