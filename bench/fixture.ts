import type { INestApplicationContext } from '@nestjs/common';
import type { SwitchyardConfig } from '@switchyard/config';
import type { TenantRecord, Tier } from '@switchyard/control-plane';
import { quoteIdent, withDatabase, withOwnerClient } from '@switchyard/postgres';
import { TenantLifecycleService } from '@switchyard/provisioning';

export interface BenchTenant {
  tenant: TenantRecord;
  employeeIds: string[];
}

export interface FixtureSize {
  shared: number;
  schema: number;
  database: number;
  employeesPerTenant: number;
}

export const FULL_SIZE: FixtureSize = { shared: 1_000, schema: 50, database: 10, employeesPerTenant: 100 };
export const QUICK_SIZE: FixtureSize = { shared: 100, schema: 10, database: 4, employeesPerTenant: 100 };

/** Creates the tenants through the product's own provisioning, then bulk-loads employees as the owner. */
export async function buildFixture(
  config: SwitchyardConfig,
  controlPlane: INestApplicationContext,
  size: FixtureSize,
  log: (line: string) => void,
): Promise<Map<Tier, BenchTenant[]>> {
  const lifecycle = controlPlane.get(TenantLifecycleService);
  const fixture = new Map<Tier, BenchTenant[]>();
  for (const tier of ['shared', 'schema', 'database'] as const) {
    const started = Date.now();
    const tenants: BenchTenant[] = [];
    for (let i = 0; i < size[tier]; i++) {
      const { tenant } = await lifecycle.create({ slug: `bench-${tier}-${i}`, name: `Bench ${tier} ${i}`, tier });
      tenants.push({ tenant, employeeIds: await loadEmployees(config, tenant, size.employeesPerTenant) });
    }
    const tables = new Map(tenants.map(({ tenant: { placement: p } }) => [`${p.database}|${p.schema}`, p] as const));
    for (const { database, schema } of tables.values()) {
      // VACUUM as well as ANALYZE: otherwise autovacuum processes the freshly loaded rows (and readers
      // set their hint bits) in the middle of the first measurements.
      await withOwnerClient(withDatabase(config.databaseUrl, database), (client) =>
        client.query(`VACUUM (ANALYZE) ${quoteIdent(schema)}.employees`),
      );
    }
    await withOwnerClient(withDatabase(config.databaseUrl, config.names.controlDatabase), (client) =>
      client.query('VACUUM (ANALYZE)'),
    );
    fixture.set(tier, tenants);
    log(
      `  ${tier}: ${tenants.length} tenants × ${size.employeesPerTenant} employees in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }
  return fixture;
}

/** The fixture's tenants of `tier`; throws when it has none (the scenario needs at least one). */
export function tenantsOf(fixture: Map<Tier, BenchTenant[]>, tier: Tier): [BenchTenant, ...BenchTenant[]] {
  const [first, ...rest] = fixture.get(tier) ?? [];
  if (!first) throw new Error(`the bench fixture has no ${tier} tenant`);
  return [first, ...rest];
}

async function loadEmployees(config: SwitchyardConfig, tenant: TenantRecord, count: number): Promise<string[]> {
  const url = withDatabase(config.databaseUrl, tenant.placement.database);
  return withOwnerClient(url, async (client) => {
    const table = `${quoteIdent(tenant.placement.schema)}.employees`;
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO ${table} (tenant_id, id, email, full_name)
       SELECT $1, gen_random_uuid(), 'person' || n || '@bench.example', 'Person ' || n FROM generate_series(1, $2) AS n
       RETURNING id`,
      [tenant.id, count],
    );
    return rows.map((r) => r.id);
  });
}
