import { Injectable, Logger } from '@nestjs/common';
import { SwitchyardConfig } from '@switchyard/config';
import {
  AuditLogRepository,
  auditText,
  ServerDirectory,
  SLUG_PATTERN,
  TenantsService,
  type AuditActor,
  type TenantRecord,
} from '@switchyard/control-plane';
import { DomainError, isDomainError } from '@switchyard/errors';
import {
  asPlatformError,
  isUuid,
  pgErrorOf,
  quoteIdent,
  READ_FENCE_SQLSTATE,
  rollbackOrDestroy,
  TENANT_CONTEXT_SQL,
  withOwnerClient,
} from '@switchyard/postgres';
import type { Client, CustomTypesConfig, FieldDef, QueryArrayConfig, QueryConfig } from 'pg';
import type { z } from 'zod';
import {
  BREAK_GLASS_MAX_STATEMENT,
  BREAK_GLASS_ROW_LIMIT,
  breakGlassQueryBody,
  breakGlassTenantRef,
  type BreakGlassQueryResult,
} from './break-glass.schemas';
import { functionCalls, refusedCall, type FunctionFacts } from './function-policy';
import { refusedPlan } from './plan-check';
import { readStatement, type ReadStatement } from './read-statement';

/** The audited action of a break-glass read, success or not. */
export const BREAK_GLASS_ACTION = 'tenant.query';

const CHECK_VIEW = 'switchyard_break_glass_check';
const ALIAS = 'switchyard_break_glass';

/**
 * The query as break-glass checks and runs it: the operator's text alone inside parentheses (its
 * parentheses are balanced, so it parses exactly as on its own), under a SELECT of ours.
 */
const wrapped = (query: string, select: string) => `SELECT ${select} FROM (\n${query}\n) AS ${ALIAS}`;
const capped = (query: string) => `${wrapped(query, '*')} LIMIT ${BREAK_GLASS_ROW_LIMIT + 1}`;

/** Every value as PostgreSQL prints it: no precision lost in a bigint, a numeric or a timestamp. */
const AS_TEXT = { getTypeParser: () => (value: string) => value } as unknown as CustomTypesConfig;

/**
 * The extended protocol even without parameters (node-postgres would otherwise send a simple query):
 * PostgreSQL then parses exactly one command, and refuses a text holding two.
 */
type Extended<T> = T & { queryMode: 'extended' };
const extended = (text: string): Extended<QueryConfig> => ({ text, values: [], queryMode: 'extended' });

/** pg_proc's facts about every function name the deparsed query calls. */
const FUNCTION_FACTS_SQL = `SELECT proname AS name,
       bool_and(pronamespace = 'pg_catalog'::regnamespace) AS "catalogOnly",
       bool_or(provolatile = 'v') AS volatile,
       bool_or(prosecdef OR proconfig IS NOT NULL) AS special
  FROM pg_catalog.pg_proc WHERE proname = ANY($1::text[]) GROUP BY proname`;

/**
 * The user relations a (temporary) view's query names, from pg_depend (PostgreSQL records no dependency
 * on its own catalogs: the plan check refuses those). `$VIEW` is our own view's qualified name.
 */
const NAMED_RELATIONS_SQL = `SELECT DISTINCT n.nspname AS schema, c.relname AS name, c.relkind::text AS kind
  FROM pg_catalog.pg_rewrite r
  JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid = r.oid
  JOIN pg_catalog.pg_class c ON d.refclassid = 'pg_catalog.pg_class'::regclass AND c.oid = d.refobjid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE r.ev_class = '$VIEW'::regclass AND c.oid <> r.ev_class`;

/** The tenant tables of a schema (a `tenant_id` column), whether RLS is on, and what the role may do. */
const TENANT_TABLES_SQL = `SELECT c.relname AS name, c.relrowsecurity AS rls,
       has_table_privilege($2, c.oid, 'SELECT') AS readable, has_schema_privilege($2, n.oid, 'USAGE') AS usage
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
   AND EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND a.attnum > 0 AND NOT a.attisdropped)`;

/** Lone surrogates cannot be stored in jsonb; the text is otherwise kept as given, newlines included. */
const storable = (value: string, max: number) =>
  Array.from(value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'))
    .slice(0, max)
    .join('');

function invalid(what: string, error: z.ZodError): DomainError {
  const byPath = new Map<string, string>();
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.') || what;
    if (!byPath.has(path)) byPath.set(path, issue.message);
  }
  const errors = [...byPath].map(([path, message]) => ({ path, message }));
  return new DomainError(
    'VALIDATION_FAILED',
    `Invalid ${what}: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
    { errors },
  );
}

/**
 * Audited break-glass reads: one read-only statement of an operator's, run in a tenant's context at its
 * placement as the break-glass role, its rows returned only after the audit log holds who ran what, why,
 * and what came of it. See libs/break-glass/README.md for the walls and why each is there.
 */
@Injectable()
export class BreakGlassService {
  private readonly logger = new Logger(BreakGlassService.name);

  constructor(
    private readonly config: SwitchyardConfig,
    private readonly servers: ServerDirectory,
    private readonly tenants: TenantsService,
    private readonly audit: AuditLogRepository,
  ) {}

  /**
   * Runs `body.sql` (one read) for the tenant `ref` (id or slug), because of `body.reason`. Both are
   * validated here, not before, so that a refused request is recorded with what it asked for. One
   * `tenant.query` entry per call: written after the statement ran and before any row is returned —
   * succeeded with the row count, or failed with the error code (a refusal, a failing statement, a
   * timeout). When the entry cannot be written, the rows are discarded and the error is the answer.
   */
  async query(ref: unknown, body: unknown, by: AuditActor): Promise<BreakGlassQueryResult> {
    const startedAt = Date.now();
    const asked = askedFor(body);
    let tenant: TenantRecord | undefined;
    try {
      const tenantRef = breakGlassTenantRef.safeParse(ref);
      if (!tenantRef.success) throw invalid('tenant', tenantRef.error);
      const input = breakGlassQueryBody.safeParse(body);
      if (!input.success) throw invalid('body', input.error);
      tenant = await this.tenants.get(tenantRef.data);
      if (tenant.status !== 'active' && tenant.status !== 'suspended')
        throw new DomainError(
          'TENANT_NOT_ACTIVE',
          `Tenant ${tenant.slug} is ${tenant.status}: its storage is not whole`,
        );
      const statement = readStatement(input.data.sql);
      const { result, at } = await this.run(tenant, statement);
      tenant = at;
      await this.audit.append({
        actor: by.actor,
        action: BREAK_GLASS_ACTION,
        target: at.id,
        targetSlug: at.slug,
        outcome: 'succeeded',
        details: {
          ...asked,
          ...where(at),
          rowCount: result.rowCount,
          truncated: result.truncated,
          durationMs: Date.now() - startedAt,
        },
      });
      return result;
    } catch (error) {
      // Also when the success could not be recorded: its rows were never returned.
      await this.recordFailure(by, ref, tenant, asked, error, startedAt);
      throw error;
    }
  }

  /** A refusal or failure, with what was asked; one that cannot be recorded is logged, and the error goes on. */
  private async recordFailure(
    by: AuditActor,
    ref: unknown,
    tenant: TenantRecord | undefined,
    asked: Record<string, unknown>,
    error: unknown,
    startedAt: number,
  ): Promise<void> {
    const code = isDomainError(error) ? error.code : 'ERROR';
    const message = error instanceof Error ? error.message : String(error);
    const sqlstate = isDomainError(error) ? error.details?.sqlstate : undefined;
    try {
      // A request refused before its tenant was looked up (bad input) is still filed under that tenant.
      tenant ??= typeof ref === 'string' ? await this.tenants.get(ref).catch(() => undefined) : undefined;
      await this.audit.append({
        actor: by.actor,
        action: BREAK_GLASS_ACTION,
        ...(tenant ? { target: tenant.id, targetSlug: tenant.slug } : unresolved(ref)),
        outcome: 'failed',
        details: {
          code,
          message,
          ...(sqlstate ? { sqlstate } : {}),
          ...asked,
          ...(tenant ? where(tenant) : {}),
          ...(tenant ? {} : refDetail(ref)),
          durationMs: Date.now() - startedAt,
        },
      });
    } catch (writeError) {
      const reason = writeError instanceof Error ? writeError.message : String(writeError);
      this.logger.error(`audit: the refused ${BREAK_GLASS_ACTION} could not be recorded: ${reason}`);
    }
  }

  /** At the tenant's placement; a location it has just left (read fence) sends it to the new one. */
  private async run(
    tenant: TenantRecord,
    statement: ReadStatement,
  ): Promise<{ result: BreakGlassQueryResult; at: TenantRecord }> {
    let at = tenant;
    for (let attempt = 1; ; attempt++) {
      try {
        return { result: await this.runAt(at, statement), at };
      } catch (error) {
        if (pgErrorOf(error)?.code !== READ_FENCE_SQLSTATE) throw classify(error, this.config.breakGlassTimeoutMs);
        if (attempt >= 3) throw new DomainError('TENANT_MOVING', 'The tenant is moving: try again in a moment');
        at = await this.tenants.get(at.id);
      }
    }
  }

  /**
   * On a connection of its own to the tenant's database, as the owner, closed afterwards (whatever a
   * session could keep goes with it): the tenant tables, then the function check, then — in one READ ONLY
   * transaction with the tenant's context, as the break-glass role — the plan check and the statement.
   */
  private async runAt(tenant: TenantRecord, statement: ReadStatement): Promise<BreakGlassQueryResult> {
    const { server, database, schema } = tenant.placement;
    const timeoutMs = String(this.config.breakGlassTimeoutMs);
    const parallel = this.config.pools.tierParallelWorkers[tenant.tier];
    return withOwnerClient(
      this.servers.ownerUrl(server, database),
      async (client) => {
        const readable = await this.readableTables(client, schema);
        await this.checkParsed(client, schema, statement.query, timeoutMs, readable);
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        try {
          // The tenant API's own context statement: tenant id, search_path and timeout, transaction-local,
          // refused (SYF02) where the tenant has moved away.
          await client.query(TENANT_CONTEXT_SQL, [
            tenant.id,
            quoteIdent(schema),
            schema,
            timeoutMs,
            parallel === undefined ? null : String(parallel),
          ]);
          await client.query(
            "SELECT set_config('lock_timeout', $1, true), set_config('standard_conforming_strings', 'on', true)",
            [timeoutMs],
          );
          await client.query(`SET LOCAL ROLE ${quoteIdent(this.config.names.breakGlassRole)}`);
          const { rows: plan } = await client.query<{ 'QUERY PLAN': unknown }>(
            extended(`EXPLAIN (VERBOSE, FORMAT JSON) ${capped(statement.query)}`),
          );
          const refusal = refusedPlan(plan[0]?.['QUERY PLAN'], schema, readable);
          if (refusal) throw new DomainError('QUERY_REFUSED', refusal);
          const text =
            statement.kind === 'explain' ? `${statement.prefix}\n${statement.query}` : capped(statement.query);
          const config: Extended<QueryArrayConfig> = { ...extended(text), rowMode: 'array', types: AS_TEXT };
          const result = await client.query<(string | null)[]>(config);
          const columns = await columnsOf(client, result.fields);
          const rows = result.rows.slice(0, BREAK_GLASS_ROW_LIMIT);
          return { columns, rows, rowCount: rows.length, truncated: result.rows.length > BREAK_GLASS_ROW_LIMIT };
        } finally {
          // Nothing to keep: a read-only transaction ends the same either way.
          await rollbackOrDestroy(client);
        }
      },
      { application_name: 'switchyard-break-glass', connectionTimeoutMillis: this.config.pools.connectTimeoutMs },
    );
  }

  /**
   * The tenant tables the statement may read: those of the tenant's schema with RLS enabled. A tenant
   * provisioned before break-glass existed gets the role's SELECT here (what provisioning grants now).
   */
  private async readableTables(client: Client, schema: string): Promise<Set<string>> {
    const role = this.config.names.breakGlassRole;
    const { rows } = await client.query<{ name: string; rls: boolean; readable: boolean; usage: boolean }>(
      TENANT_TABLES_SQL,
      [schema, role],
    );
    const missing = rows.filter((t) => !t.readable);
    if (missing.length || rows.some((t) => !t.usage)) {
      const s = quoteIdent(schema);
      const r = quoteIdent(role);
      this.logger.warn(`granting ${role} what provisioning grants it in ${schema} (missing: ${missing.length} tables)`);
      await client.query(`GRANT USAGE ON SCHEMA ${s} TO ${r}`);
      if (missing.length)
        await client.query(`GRANT SELECT ON ${missing.map((t) => `${s}.${quoteIdent(t.name)}`).join(', ')} TO ${r}`);
      await client.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA ${s} GRANT SELECT ON TABLES TO ${r}`);
    }
    return new Set(rows.filter((t) => t.rls).map((t) => t.name));
  }

  /**
   * Every function the statement calls, however deep (LIMIT, VALUES lists, window frames and CTEs
   * included, which EXPLAIN does not print): PostgreSQL parses the statement into a temporary view — in
   * a transaction rolled back at once, nothing executed — and prints it back with pg_get_viewdef, each
   * call by its real name. See `refusedCall` for what may be called. Then every relation the view
   * depends on must be one of the tenant's tables: a view would hide its own calls.
   */
  private async checkParsed(
    client: Client,
    schema: string,
    query: string,
    timeoutMs: string,
    readable: ReadonlySet<string>,
  ): Promise<void> {
    await client.query('BEGIN');
    try {
      await client.query(
        `SELECT set_config('search_path', $1, true), set_config('statement_timeout', $2, true),
                set_config('lock_timeout', $2, true), set_config('standard_conforming_strings', 'on', true)`,
        [quoteIdent(schema), timeoutMs],
      );
      await client.query(extended(`CREATE TEMPORARY VIEW ${CHECK_VIEW} AS ${wrapped(query, '1')}`));
      const { rows } = await client.query<{ definition: string }>(
        `SELECT pg_catalog.pg_get_viewdef('pg_temp.${CHECK_VIEW}'::regclass) AS definition`,
      );
      const calls = functionCalls(rows[0]?.definition ?? '');
      const names = [...new Set(calls.map((c) => c.name))];
      const facts = new Map(
        (await client.query<FunctionFacts>(FUNCTION_FACTS_SQL, [names])).rows.map((f) => [f.name, f]),
      );
      for (const call of calls) {
        const refusal = refusedCall(call, facts);
        if (refusal) throw new DomainError('QUERY_REFUSED', `The statement calls ${refusal}`);
      }
      // The relations it names, as PostgreSQL recorded them for the view: a view of the tenant's schema
      // would hide its own calls from the deparsed text (and its tables would pass the plan check).
      const { rows: named } = await client.query<{ schema: string; name: string; kind: string }>(
        NAMED_RELATIONS_SQL.replace('$VIEW', `pg_temp.${CHECK_VIEW}`),
      );
      for (const relation of named) {
        if (relation.schema !== schema || !readable.has(relation.name) || !['r', 'p'].includes(relation.kind))
          throw new DomainError(
            'QUERY_REFUSED',
            `The statement reads ${relation.schema}.${relation.name}: only this tenant's tables may be read`,
          );
      }
    } finally {
      await rollbackOrDestroy(client);
    }
  }
}

async function columnsOf(client: Client, fields: FieldDef[]): Promise<{ name: string; type: string }[]> {
  const oids = [...new Set(fields.map((f) => f.dataTypeID))];
  const { rows } = await client.query<{ oid: number; name: string }>(
    'SELECT oid::int AS oid, pg_catalog.format_type(oid, NULL) AS name FROM pg_catalog.pg_type WHERE oid = ANY($1::oid[])',
    [oids],
  );
  const names = new Map(rows.map((r) => [r.oid, r.name]));
  return fields.map((f) => ({ name: f.name, type: names.get(f.dataTypeID) ?? String(f.dataTypeID) }));
}

/** The reason and statement as given (valid or not), for the audit entry. */
function askedFor(body: unknown): Record<string, unknown> {
  const given = (body ?? {}) as { reason?: unknown; sql?: unknown };
  return {
    ...(typeof given.reason === 'string' ? { reason: storable(given.reason.trim(), 500) } : {}),
    ...(typeof given.sql === 'string' ? { statement: storable(given.sql, BREAK_GLASS_MAX_STATEMENT) } : {}),
  };
}

function where(tenant: TenantRecord): Record<string, unknown> {
  return { tier: tenant.tier, ...tenant.placement };
}

/** A reference that names no tenant: a UUID stays the target, a slug the slug (as RefusalRecorder keeps them). */
function unresolved(ref: unknown): { target: string | null; targetSlug: string | null } {
  if (typeof ref === 'string' && isUuid(ref)) return { target: ref, targetSlug: null };
  if (typeof ref === 'string' && SLUG_PATTERN.test(ref)) return { target: null, targetSlug: ref };
  return { target: null, targetSlug: null };
}

function refDetail(ref: unknown): Record<string, unknown> {
  if (typeof ref !== 'string' || isUuid(ref) || SLUG_PATTERN.test(ref)) return {};
  return { ref: auditText(ref) };
}

/**
 * What a failure of the statement is to the caller: QUERY_REFUSED when PostgreSQL refused it for what it
 * is (no privilege, a write in a read-only transaction, a construct not allowed), QUERY_FAILED when it
 * failed to run (syntax, a missing column, the statement timeout); a database that cannot be reached or
 * is busy stays a platform failure (503).
 */
function classify(error: unknown, timeoutMs: number): unknown {
  if (isDomainError(error)) return error;
  const pg = pgErrorOf(error);
  if (!pg) return asPlatformError(error);
  const sqlstate = pg.code;
  if (sqlstate === '57014')
    return new DomainError(
      'QUERY_FAILED',
      `The statement ran longer than BREAK_GLASS_TIMEOUT_MS (${timeoutMs} ms) and was cancelled`,
      { sqlstate },
    );
  if (/^08|^57P0|^53|^55P03$|^40P01$|^40001$/.test(sqlstate)) return asPlatformError(error);
  if (sqlstate === '42501' || sqlstate === '25006' || sqlstate === '0A000')
    return new DomainError('QUERY_REFUSED', `Refused by PostgreSQL: ${pg.message}`, { sqlstate });
  return new DomainError('QUERY_FAILED', pg.message, { sqlstate });
}
