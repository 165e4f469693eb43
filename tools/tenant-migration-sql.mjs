// What the generator adds to a tenant migration drizzle-kit wrote, so that the documented workflow —
// change the drizzle schema, `npm run db:generate`, `switchyard migrate` — yields tables that meet the
// invariants in every tier without hand edits:
// - schema-neutral names: drizzle-kit qualifies foreign-key targets with "public", but one migration
//   set builds the same objects in the shared database, in every tenant schema and in every tenant
//   database; the runner sets a transaction-local search_path, so unqualified names land in (and refer
//   only to) the target schema;
// - FORCE ROW LEVEL SECURITY after every ENABLE: drizzle-kit can enable RLS but not force it, and only
//   a forced policy binds the table's owner too.

const ENABLE_RLS = /ALTER TABLE ("[^"]+") ENABLE ROW LEVEL SECURITY;(--> statement-breakpoint)?/g;

/** The migration text with both completions; applying it twice changes nothing more. */
export function completeTenantMigration(sql) {
  const neutral = sql.replaceAll('"public".', '');
  return neutral.replace(ENABLE_RLS, (statement, table, breakpoint, offset, whole) => {
    const force = `ALTER TABLE ${table} FORCE ROW LEVEL SECURITY;`;
    if (whole.includes(force)) return statement;
    return `${statement}${breakpoint ? '' : '--> statement-breakpoint'}\n${force}${breakpoint ?? ''}`;
  });
}
