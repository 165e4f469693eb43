import type { SwitchyardConfig } from '@switchyard/config';
import { PRIMARY_SERVER, type ServerDirectory } from '@switchyard/control-plane';
import { TENANT_CONTEXT_SQL } from '@switchyard/postgres';
import { Client } from 'pg';
import { compare, type MeasureOptions } from '../measure';

/** The context statement without the read fence: the settings only. */
const PLAIN_CONTEXT_SQL =
  "SELECT set_config('switchyard.tenant_id', $1, true), set_config('search_path', $2, true), " +
  "set_config('statement_timeout', $4, true), set_config('max_parallel_workers_per_gather', $5, true), $3::text";

export interface FenceCost {
  fencedUs: number;
  plainUs: number;
  /** What the read fence adds to every checkout's context statement. */
  costUs: number;
}

/**
 * What the read fence costs: the tenant-context statement with its fence check against the same
 * statement without it, each prepared, one round trip per execution, alternating rounds on one
 * application-role connection to the shared cell (whose fence table holds the fences of every tenant
 * that ever left it).
 */
export async function measureFenceCost(
  config: SwitchyardConfig,
  servers: ServerDirectory,
  tenantId: string,
  options: MeasureOptions,
): Promise<FenceCost> {
  const client = new Client({ connectionString: servers.appUrl(PRIMARY_SERVER, config.names.sharedDatabase) });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const values = [
      tenantId,
      '"public"',
      'public',
      String(config.pools.tierStatementTimeoutMs.shared),
      String(config.pools.tierParallelWorkers.shared),
    ];
    const results = await compare(
      [
        { name: 'routed', op: () => client.query({ name: 'fenced', text: TENANT_CONTEXT_SQL, values }) },
        { name: 'bare', op: () => client.query({ name: 'plain', text: PLAIN_CONTEXT_SQL, values }) },
      ],
      { ...options, concurrency: 1 },
    );
    const fencedUs = 1e6 / results.get('routed')!;
    const plainUs = 1e6 / results.get('bare')!;
    return { fencedUs, plainUs, costUs: fencedUs - plainUs };
  } finally {
    await client.end();
  }
}
