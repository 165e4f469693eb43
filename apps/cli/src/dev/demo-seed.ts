import type { INestApplication } from '@nestjs/common';
import { TenantsService, type TenantRecord, type Tier } from '@switchyard/control-plane';
import { isDomainError } from '@switchyard/errors';
import { TenantLifecycleService } from '@switchyard/provisioning';
import { TenantContext } from '@switchyard/tenancy';
import { EmployeesService, WellnessService, type WellnessKind } from '@switchyard/tenant-data';

interface DemoTenant {
  slug: string;
  name: string;
  tier: Tier;
  people: [string, string][];
}

export const DEMO_TENANTS: DemoTenant[] = [
  {
    slug: 'acme',
    name: 'Acme Corp',
    tier: 'shared',
    people: [
      ['Ada Lovelace', 'ada'],
      ['Grace Hopper', 'grace'],
      ['Alan Turing', 'alan'],
    ],
  },
  {
    slug: 'globex',
    name: 'Globex Corporation',
    tier: 'schema',
    people: [
      ['Hank Scorpio', 'hank'],
      ['Homer Simpson', 'homer'],
      ['Mindy Simmons', 'mindy'],
    ],
  },
  {
    slug: 'initech',
    name: 'Initech',
    tier: 'database',
    people: [
      ['Peter Gibbons', 'peter'],
      ['Milton Waddams', 'milton'],
      ['Joanna Smith', 'joanna'],
    ],
  },
];

const ENTRIES: [WellnessKind, number][] = [
  ['steps', 8_450],
  ['sleep_hours', 7.5],
  ['water_ml', 1_800],
  ['mood', 4],
];

/**
 * Creates the three demo tenants — one per tier — with a few employees and entries each, through the
 * same services the APIs use. Tenants that exist already are left alone, so restarts keep your edits.
 */
export async function seedDemoTenants(controlPlane: INestApplication, api: INestApplication): Promise<TenantRecord[]> {
  const lifecycle = controlPlane.get(TenantLifecycleService);
  const tenants = controlPlane.get(TenantsService);
  const context = api.get(TenantContext);
  const employees = api.get(EmployeesService);
  const wellness = api.get(WellnessService);
  const result: TenantRecord[] = [];
  for (const demo of DEMO_TENANTS) {
    const existing = await tenants.get(demo.slug).catch((error: unknown) => {
      if (isDomainError(error, 'TENANT_NOT_FOUND')) return undefined;
      throw error;
    });
    if (existing && existing.status !== 'provisioning') {
      result.push(existing);
      continue;
    }
    const { tenant } = await lifecycle.create({ slug: demo.slug, name: demo.name, tier: demo.tier });
    await context.run(tenant.id, async () => {
      for (const [fullName, handle] of demo.people) {
        const employee = await employees.create({ email: `${handle}@${demo.slug}.example`, fullName });
        for (const [index, [kind, value]] of ENTRIES.entries()) {
          const day = new Date(Date.UTC(2026, 10, 1 + index)).toISOString().slice(0, 10);
          await wellness.create({ employeeId: employee.id, kind, value, loggedOn: day });
        }
      }
    });
    result.push(tenant);
  }
  return result;
}
