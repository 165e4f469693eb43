import { TENANT_STATUSES } from '@switchyard/control-plane';
import { z } from 'zod';
import { moveResponse, perTier, timestamp } from '../control-plane.responses';
import { controlPlaneVersion, statusSummary } from '../migrations/migrations.responses';
import { serverOverview } from '../servers/servers.responses';

const int = z.number().int();

export const overviewResponse = z.strictObject({
  tenants: z.strictObject({
    total: int,
    byTier: perTier,
    byStatus: z.strictObject(
      Object.fromEntries(TENANT_STATUSES.map((s) => [s, int])) as Record<(typeof TENANT_STATUSES)[number], typeof int>,
    ),
  }),
  servers: z.array(serverOverview),
  migrations: z.strictObject({
    latest: z.string().nullable(),
    controlPlane: controlPlaneVersion,
    summary: statusSummary,
  }),
  moves: z.strictObject({ running: z.array(moveResponse) }),
  doctor: z
    .strictObject({ ok: z.boolean(), errors: int, warnings: int, checkedTargets: int, checkedAt: timestamp })
    .describe('The latest full doctor run, at most 30 s old'),
});
