import type { Tier } from '@switchyard/control-plane';
import type { TenantDb } from '@switchyard/tenancy';
import type { EmployeesRepository } from '@switchyard/tenant-data';
import type { Pool } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import type { BenchTenant } from '../fixture';
import { pick, type Variant } from '../measure';
import { captureSql, qualify } from '../sql-capture';

export const DATABASE_SCENARIOS = ['point-read', 'list-50', 'insert', 'write-tx'] as const;
export type DatabaseScenario = (typeof DATABASE_SCENARIOS)[number];

export interface TierSetup {
  tier: Tier;
  tenants: BenchTenant[];
  tenantDb: TenantDb;
  employees: EmployeesRepository;
  /** Owner pool, no RLS, no router: the limit. */
  barePool(database: string): Pool;
  /** Application-role pool for the naive per-request transaction: the floor. */
  naivePool(database: string): Pool;
}

const T0 = '00000000-0000-4000-8000-000000000001';
const I0 = '00000000-0000-4000-8000-000000000002';
const E0 = 'sentinel@bench.example';
const N0 = 'Sentinel Name';

type Values = (tenantId: string, id: string, email: string) => unknown[];

/** Turns captured values into a function of the actual tenant, employee id and email. */
function valuesOf(captured: unknown[]): Values {
  return (tenantId, id, email) =>
    captured.map((v) => {
      if (v === T0) return tenantId;
      if (v === I0) return id;
      if (v === E0) return email;
      if (typeof v === 'string' && /^[0-9a-f-]{36}$/.test(v)) return uuidv7(); // an id the repository generated
      return v;
    });
}

interface Statement {
  text: string;
  values: Values;
}

async function capture(employees: EmployeesRepository, scenario: DatabaseScenario): Promise<Statement[]> {
  const calls: Record<DatabaseScenario, Parameters<typeof captureSql>[1]> = {
    'point-read': (tx) => employees.findById(tx, I0),
    'list-50': (tx) => employees.list(tx, 50),
    insert: (tx) => employees.insert(tx, { email: E0, fullName: N0 }),
    'write-tx': async (tx) => {
      await employees.insert(tx, { email: E0, fullName: N0 });
      await employees.update(tx, I0, { fullName: N0 });
    },
  };
  return (await captureSql(T0, calls[scenario])).map((c) => ({ text: c.text, values: valuesOf(c.values) }));
}

let sequence = 0;
const freshEmail = (worker: number) => `w${worker}-${process.pid}-${++sequence}@bench.example`;

/** The routed, bare and naive ways of doing one scenario in one tier, on the same SQL. */
export async function databaseVariants(setup: TierSetup, scenario: DatabaseScenario): Promise<Variant[]> {
  const { tenantDb, employees, tenants } = setup;
  const statements = await capture(employees, scenario);
  // A scenario of one statement runs it on the pool; several run in one transaction.
  const only = statements.length === 1 ? statements[0] : undefined;
  const target = (worker: number) => {
    const t = pick(tenants);
    return {
      t,
      tid: t.tenant.id,
      id: pick(t.employeeIds),
      email: freshEmail(worker),
      db: t.tenant.placement.database,
      schema: t.tenant.placement.schema,
    };
  };

  const routed: Variant['op'] = (worker) => {
    const { tid, id, email } = target(worker);
    switch (scenario) {
      case 'point-read':
        return tenantDb.statementFor(tid, (tx) => employees.findById(tx, id));
      case 'list-50':
        return tenantDb.statementFor(tid, (tx) => employees.list(tx, 50));
      case 'insert':
        return tenantDb.statementFor(tid, (tx) => employees.insert(tx, { email, fullName: N0 }));
      case 'write-tx':
        return tenantDb.transactionFor(tid, async (tx) => {
          const created = await employees.insert(tx, { email, fullName: N0 });
          await employees.update(tx, created.id, { fullName: 'Renamed' });
        });
    }
  };

  const bare: Variant['op'] = async (worker) => {
    const { tid, id, email, db, schema } = target(worker);
    const pool = setup.barePool(db);
    if (only) return pool.query(qualify(only.text, schema), only.values(tid, id, email));
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      // Same work as routed: an insert, then an update by primary key (of a fixture row).
      for (const statement of statements)
        await client.query(qualify(statement.text, schema), statement.values(tid, id, email));
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  };

  // The same bare pool with each statement kept prepared per connection: the best a hand-written
  // data layer could do, shown beside the budget's baseline so the router's own cost stays visible.
  const barePrepared: Variant['op'] = async (worker) => {
    const { tid, id, email, db, schema } = target(worker);
    const pool = setup.barePool(db);
    const query = (statement: Statement, i: number) => ({
      name: `bp.${scenario}.${i}.${schema}`,
      text: qualify(statement.text, schema),
      values: statement.values(tid, id, email),
    });
    if (only) return pool.query(query(only, 0));
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      for (const [i, statement] of statements.entries()) await client.query(query(statement, i));
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  };

  const naive: Variant['op'] = async (worker) => {
    const { tid, id, email, db, schema } = target(worker);
    const client = await setup.naivePool(db).connect();
    try {
      await client.query('BEGIN');
      await client.query("SELECT set_config('switchyard.tenant_id', $1, true), set_config('search_path', $2, true)", [
        tid,
        `"${schema}"`,
      ]);
      for (const statement of statements) await client.query(statement.text, statement.values(tid, id, email));
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  };

  return [
    { name: 'routed', op: routed },
    { name: 'bare', op: bare },
    { name: 'bare-prepared', op: barePrepared },
    { name: 'naive', op: naive },
  ];
}
