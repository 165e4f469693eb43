import { z } from 'zod';
import { moveResponse, perTier, timestamp } from '../control-plane.responses';

export const cellRecord = z.strictObject({
  name: z.string(),
  server: z.string(),
  database: z.string(),
  createdAt: timestamp,
});

export const cellLoad = cellRecord.extend({
  tenants: z
    .strictObject({ shared: z.number().int(), schema: z.number().int() })
    .describe('Tenants placed in the cell'),
});

export const cellList = z.strictObject({ items: z.array(cellLoad) });

export const serverOverview = z.strictObject({
  name: z.string(),
  host: z.string(),
  port: z.number().int(),
  createdAt: timestamp,
  tenants: perTier,
  cells: z.array(cellLoad),
  live: z
    .strictObject({
      maxConnections: z.number().int(),
      connections: z
        .strictObject({ application: z.number().int(), total: z.number().int() })
        .describe("This installation's application role (every process), and anyone's"),
      bytes: z.number().int().describe("This installation's databases on the server"),
    })
    .nullable()
    .describe('Read from the server itself; null when it cannot be reached now'),
});

export const serverList = z.strictObject({ items: z.array(serverOverview) });

export const drainResponse = z.strictObject({
  server: z.string(),
  moves: z.array(moveResponse).describe('One move per tenant, run by the control plane’s worker'),
  skipped: z.array(z.strictObject({ tenant: z.string(), reason: z.string() })),
});
