import { TIERS } from '@switchyard/control-plane';
import { z } from 'zod';
import { timestamp } from '../control-plane.responses';
import { startRunBody } from './migrations.schemas';

const TARGET_KINDS = ['shared', 'template', 'schema', 'database'] as const;
const TARGET_STATES = ['current', 'behind', 'failed', 'running'] as const;
const OUTCOMES = ['applied', 'current', 'failed', 'skipped', 'planned'] as const;

const int = z.number().int();
const perKind = <T extends z.ZodType>(value: T) =>
  z.strictObject({ shared: value, template: value, schema: value, database: value, total: value });
const stateCounts = z.strictObject({ current: int, behind: int, failed: int, running: int, targets: int });
const outcomeCounts = z.strictObject({ applied: int, current: int, failed: int, skipped: int, planned: int });

/** Applied and latest version of the control plane's own migrations. */
export const controlPlaneVersion = z.strictObject({ applied: z.string().nullable(), latest: z.string().nullable() });
export const statusSummary = perKind(stateCounts).describe('Targets per state, per kind of target and in total');

export const fleetStatus = z.strictObject({
  latest: z.string().nullable().describe('The newest tenant migration'),
  controlPlane: controlPlaneVersion,
  summary: statusSummary,
  targets: z.array(
    z.strictObject({
      key: z.string(),
      kind: z.enum(TARGET_KINDS),
      tier: z.string(),
      tenant: z.string().nullable(),
      tenantId: z.string().nullable(),
      server: z.string(),
      database: z.string(),
      schema: z.string(),
      applied: z.string().nullable(),
      latest: z.string().nullable(),
      status: z.enum(TARGET_STATES),
      pending: z.array(z.string()),
      error: z.string().nullable(),
    }),
  ),
});

const targetReport = z.strictObject({
  key: z.string(),
  kind: z.enum(TARGET_KINDS),
  tier: z.enum(TIERS),
  tenant: z.string().nullable(),
  server: z.string(),
  database: z.string(),
  schema: z.string(),
  outcome: z.enum(OUTCOMES),
  applied: z.array(z.string()).describe('Applied by this run (in a dry run: that would be)'),
  pending: z.array(z.string()),
  version: z.string().nullable(),
  error: z.string().optional(),
  errorCode: z.string().optional(),
});

export const migrationRun = z.strictObject({
  id: z.uuid(),
  status: z
    .enum(['running', 'succeeded', 'failed', 'interrupted'])
    .describe('interrupted: its heartbeat stopped (its process died); a new run finishes the work'),
  options: startRunBody,
  requestedBy: z.string().nullable(),
  startedAt: timestamp,
  finishedAt: timestamp.nullable(),
  progress: z.strictObject({ done: int, total: int }),
  waves: z.array(z.strictObject({ wave: z.enum(['shared', 'canary', 'rest']), done: int, total: int, failed: int })),
  summary: z
    .strictObject({
      ...perKind(outcomeCounts).shape,
      stoppedByCanary: z.boolean(),
      latest: z.string().nullable(),
      controlPlane: z.array(z.string()).describe('Control-plane migrations applied first'),
      dryRun: z.boolean(),
    })
    .nullable()
    .describe('Targets per outcome, per kind of target and in total; null while running'),
  results: z.array(targetReport).nullable().optional().describe('Per target; left out of the list of runs'),
  error: z.string().nullable(),
});

export const migrationRunList = z.strictObject({ items: z.array(migrationRun) });
