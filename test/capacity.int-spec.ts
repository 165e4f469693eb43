import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { partitionsOf, TenantDb } from '@switchyard/tenancy';
import type { TenantRecord } from '@switchyard/control-plane';
import { withDatabase, withOwnerClient } from '@switchyard/postgres';
import { startPrivateCluster, type PrivateCluster } from '@switchyard/testing';
import { startHarness, type Harness } from './support/harness';
import { waitFor } from './support/wait';

interface Answer {
  status: number;
  ms: number;
  code?: string;
  retryAfter?: string;
}

async function get(h: Harness, tenantId: string, path: string): Promise<Answer> {
  const started = performance.now();
  const res = await h
    .apiRequest()
    .get(path)
    .set({ Authorization: `Bearer ${h.tokenFor(tenantId)}` });
  return {
    status: res.status,
    ms: performance.now() - started,
    code: res.body?.code,
    retryAfter: res.headers['retry-after'],
  };
}

/** Runs `loops` concurrent request loops until `until` resolves; returns every answer. */
async function loadUntil(loops: number, request: (i: number) => Promise<Answer>, until: Promise<unknown>) {
  let running = true;
  void until.finally(() => (running = false));
  const answers: Answer[] = [];
  let n = 0;
  await Promise.all(
    Array.from({ length: loops }, async () => {
      while (running) answers.push(await request(n++));
    }),
  );
  return answers;
}

const tally = (answers: Answer[]) =>
  answers.reduce<Record<string, number>>((t, a) => {
    const key = `${a.status}${a.code ? ` ${a.code}` : ''}`;
    t[key] = (t[key] ?? 0) + 1;
    return t;
  }, {});

/** The backend (pid) that serves one statement of the tenant. */
const backendOf = async (h: Harness, tenantId: string) =>
  (
    await h.api
      .get(TenantDb)
      .statementFor(tenantId, (tx) => tx.db.execute<{ pid: number }>(sql`SELECT pg_backend_pid() AS pid`))
  ).rows[0]?.pid;

const appConnections = async (url: string, role: string) =>
  withOwnerClient(url, async (c) =>
    Number((await c.query('SELECT count(*) AS n FROM pg_stat_activity WHERE usename = $1', [role])).rows[0].n),
  );

describe('a connection budget across many tenant databases', () => {
  // Three times the budget of 40: most reads find no connection of their database and must take one.
  const TENANTS = 120;
  let east: PrivateCluster;
  let h: Harness;
  const tenants: TenantRecord[] = [];

  beforeAll(async () => {
    // 53 connections, 3 reserved for superusers, CONNECTION_RESERVE 10: a budget of 40 for the API.
    east = await startPrivateCluster('budget', { max_connections: '53' });
    h = await startHarness({ EXTRA_SERVERS: `east=${east.url}`, MOVE_WORKER: 'false', CONNECTION_RESERVE: '10' });
    for (let i = 0; i < TENANTS; i += 4) {
      const batch = Array.from({ length: Math.min(4, TENANTS - i) }, (_, j) =>
        h
          .cpRequest()
          .post('/v1/tenants')
          .set({ Authorization: `Bearer ${h.opsToken()}` })
          .send({
            slug: `silo-${i + j}`,
            name: `Silo ${i + j}`,
            tier: 'database',
            server: 'east',
          }),
      );
      const results = await Promise.all(batch);
      if (results.some((r) => r.status !== 201)) {
        const rows = await withOwnerClient(
          east.url,
          async (c) =>
            (await c.query('SELECT usename, application_name, datname, state, backend_type FROM pg_stat_activity'))
              .rows,
        );
        console.log('DEBUG', i, JSON.stringify(rows));
      }
      for (const created of results) {
        expect(`${created.status} ${JSON.stringify(created.body).slice(0, 300)}`).toMatch(/^201/);
        tenants.push(created.body);
      }
    }
  }, 600_000);
  afterAll(async () => {
    await h?.close();
    await east?.dispose();
  });

  it('serves every tenant under round-robin load without ever passing the budget', async () => {
    let peak = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) peak = Math.max(peak, await appConnections(east.url, h.config.names.appRole));
    })();
    let served = 0;
    const finished = waitFor(
      () => served,
      (n) => n >= TENANTS * 5,
      { what: 'five rounds over every tenant', timeout: 240_000, interval: 100 },
    );
    const answers = await loadUntil(
      32,
      async (i) => {
        const answer = await get(h, tenants[i % TENANTS]!.id, '/v1/employees?limit=1');
        served++;
        return answer;
      },
      finished,
    );
    sampling = false;
    await sampler;
    console.log(`${TENANTS} tenant databases, budget 40: ${JSON.stringify(tally(answers))}, peak ${peak} connections`);
    expect(tally(answers)).toEqual({ '200': answers.length });
    expect(peak).toBeLessThanOrEqual(40);
    expect(peak).toBeGreaterThan(0);
  });
});

describe('a heavy tenant in a shared cell', () => {
  let h: Harness;
  let heavy: TenantRecord;
  const neighbours: TenantRecord[] = [];

  /** The heavy tenant floods expensive summaries while each neighbour reads; all answers of both. */
  async function flood() {
    let neighboursDone!: () => void;
    const done = new Promise<void>((resolve) => (neighboursDone = resolve));
    const heavyAnswers = loadUntil(24, () => get(h, heavy.id, '/v1/wellness-summary'), done);
    const neighbourAnswers: Answer[] = [];
    await Promise.all(
      neighbours.map(async (n) => {
        for (let i = 0; i < 40; i++) neighbourAnswers.push(await get(h, n.id, '/v1/employees?limit=5'));
      }),
    );
    neighboursDone();
    return { heavy: await heavyAnswers, neighbours: neighbourAnswers };
  }

  beforeAll(async () => {
    // A cell pool of 4: the heavy tenant may hold 2, and waits at most 400 ms for them.
    h = await startHarness({ SHARED_POOL_MAX: '4', TENANT_POOL_SHARE: '0.5', PG_CONNECT_TIMEOUT_MS: '400' });
    heavy = await h.createTenant('heavy', 'shared');
    neighbours.push(await h.createTenant('light-shared', 'shared'), await h.createTenant('light-schema', 'schema'));
    const [employee] = await h.ownerQuery<{ id: string }>(
      heavy.placement.database,
      `INSERT INTO public.employees (tenant_id, email, full_name) VALUES ($1, 'h@heavy.io', 'H') RETURNING id`,
      [heavy.id],
    );
    await h.ownerQuery(
      heavy.placement.database,
      `INSERT INTO public.wellness_entries (tenant_id, employee_id, kind, value, logged_on)
       SELECT $1, $2, (ARRAY['steps','sleep_hours','water_ml','mood'])[1 + i % 4], i % 1000, date '2026-01-01' + (i % 300)
       FROM generate_series(1, 400000) i`,
      [heavy.id, employee!.id],
    );
    await h.ownerQuery(heavy.placement.database, 'ANALYZE public.wellness_entries');
  }, 120_000);
  afterAll(() => h?.close());

  it('slows only itself: its neighbours are all served, its own excess gets 503 with Retry-After', async () => {
    const answers = await flood();
    console.log(
      `flood: heavy ${JSON.stringify(tally(answers.heavy))}, neighbours ${JSON.stringify(tally(answers.neighbours))}`,
    );
    expect(tally(answers.neighbours)).toEqual({ '200': answers.neighbours.length });
    const heavyTally = tally(answers.heavy);
    expect(Object.keys(heavyTally).filter((k) => !['200', '503 DATABASE_BUSY'].includes(k))).toEqual([]);
    expect(heavyTally['200']).toBeGreaterThan(0);
    expect(answers.heavy.filter((a) => a.status === 503 && !a.retryAfter)).toEqual([]);
  });
});

describe('a server that goes down', () => {
  let east: PrivateCluster;
  let h: Harness;
  let onEast: TenantRecord;
  const elsewhere: TenantRecord[] = [];

  beforeAll(async () => {
    east = await startPrivateCluster('blast');
    h = await startHarness({ EXTRA_SERVERS: `east=${east.url}`, MOVE_WORKER: 'false', PG_CONNECT_TIMEOUT_MS: '1000' });
    const created = await h
      .cpRequest()
      .post('/v1/tenants')
      .set({ Authorization: `Bearer ${h.opsToken()}` })
      .send({ slug: 'on-east', name: 'East', tier: 'database', server: 'east' });
    expect(created.status).toBe(201);
    onEast = created.body;
    for (const tier of ['shared', 'schema', 'database'] as const)
      elsewhere.push(await h.createTenant(`primary-${tier}`, tier));
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    await east?.dispose();
  });

  it('fails only its own tenants, with 503 and Retry-After, and they recover by themselves', async () => {
    let phase: 'up' | 'down' | 'back' = 'up';
    const eastAnswers: (Answer & { phase: string })[] = [];
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const others = loadUntil(3, (i) => get(h, elsewhere[i % 3]!.id, '/v1/employees?limit=5'), stopped);
    const eastLoad = loadUntil(
      4,
      async () => {
        const answer = { ...(await get(h, onEast.id, '/v1/employees?limit=5')), phase };
        eastAnswers.push(answer);
        return answer;
      },
      stopped,
    );

    await waitFor(
      () => eastAnswers.filter((a) => a.status === 200).length,
      (n) => n >= 10,
      { what: 'the east tenant to be served' },
    );
    await east.stop();
    phase = 'down';
    const downFrom = eastAnswers.length;
    await waitFor(
      () => eastAnswers.slice(downFrom).filter((a) => a.code === 'DATABASE_UNAVAILABLE').length,
      (n) => n >= 50,
      { what: 'the east tenant to be refused while its server is down' },
    );
    await east.start();
    phase = 'back';
    try {
      await waitFor(
        () => eastAnswers.filter((a) => a.phase === 'back' && a.status === 200).length,
        (n) => n >= 10,
        { what: 'the east tenant to be served again once its server is back' },
      );
    } finally {
      stop();
    }
    const [elsewhereAnswers] = await Promise.all([others, eastLoad]);

    const down = eastAnswers.filter((a) => a.phase === 'down');
    const median = down.map((a) => a.ms).sort((a, b) => a - b)[Math.floor(down.length / 2)] ?? NaN;
    console.log(
      `east down: its tenant ${JSON.stringify(tally(down))} (median ${median.toFixed(1)} ms); ` +
        `the others meanwhile ${JSON.stringify(tally(elsewhereAnswers))}`,
    );
    expect(tally(elsewhereAnswers)).toEqual({ '200': elsewhereAnswers.length });
    expect(down.filter((a) => a.status !== 200 && (a.status !== 503 || !a.retryAfter))).toEqual([]);
    expect(eastAnswers.filter((a) => ![200, 503].includes(a.status))).toEqual([]);
  });
});

describe('a statement timeout per tier', () => {
  it('gives each tenant its tier’s limit on the same connection, and cuts a statement blocked past it', async () => {
    // One connection, so both tenants' statements share it: the limit is the tier's, not the connection's.
    const h = await startHarness({ SHARED_POOL_MAX: '1', STATEMENT_TIMEOUT_SCHEMA_MS: '150' });
    try {
      const schemaTenant = await h.createTenant('impatient', 'schema');
      const sharedTenant = await h.createTenant('patient', 'shared');
      const tenantDb = h.api.get(TenantDb);
      const limitOf = async (tenantId: string) =>
        (
          await tenantDb.statementFor(tenantId, (tx) =>
            tx.db.execute<{ limit: string }>(sql`SELECT current_setting('statement_timeout') AS limit`),
          )
        ).rows[0]?.limit;
      expect(await limitOf(schemaTenant.id)).toBe('150ms');
      expect(await limitOf(sharedTenant.id)).toBe('15s');
      expect(await limitOf(schemaTenant.id)).toBe('150ms');

      // A statement waiting on a lock the owner holds is cut at the tier's limit: 503 with Retry-After.
      const { schema, database } = schemaTenant.placement;
      await withOwnerClient(withDatabase(h.config.databaseUrl, database), async (owner) => {
        await owner.query('BEGIN');
        await owner.query(`LOCK TABLE "${schema}".employees IN ACCESS EXCLUSIVE MODE`);
        try {
          await expect(
            tenantDb.statementFor(schemaTenant.id, (tx) => tx.db.execute(sql`SELECT count(*) FROM employees`)),
          ).rejects.toMatchObject({ code: 'STATEMENT_TIMEOUT', details: { retryAfterSeconds: 1 } });
        } finally {
          await owner.query('ROLLBACK');
        }
      });
      expect(await limitOf(sharedTenant.id)).toBe('15s');
    } finally {
      await h.close();
    }
  });
});

describe('parallel workers per tier', () => {
  it('keeps a shared cell’s statements to their tier’s workers and leaves a tenant database the server’s', async () => {
    // One shared connection: the setting is the tier's on each checkout, never the previous tenant's.
    const h = await startHarness({ SHARED_POOL_MAX: '1', PARALLEL_WORKERS_SCHEMA: '1' });
    try {
      const shared = await h.createTenant('serial', 'shared');
      const schema = await h.createTenant('one-worker', 'schema');
      const silo = await h.createTenant('own-server-setting', 'database');
      const tenantDb = h.api.get(TenantDb);
      const workersOf = async (tenantId: string) =>
        (
          await tenantDb.statementFor(tenantId, (tx) =>
            tx.db.execute<{ workers: string }>(
              sql`SELECT current_setting('max_parallel_workers_per_gather') AS workers`,
            ),
          )
        ).rows[0]?.workers;
      const serverSetting = await withOwnerClient(
        h.config.databaseUrl,
        async (c) =>
          (await c.query<{ w: string }>("SELECT current_setting('max_parallel_workers_per_gather') AS w")).rows[0]?.w,
      );
      expect(serverSetting).toMatch(/^[1-9]/);

      expect(await workersOf(shared.id)).toBe('0');
      expect(await workersOf(schema.id)).toBe('1');
      expect(await workersOf(shared.id)).toBe('0');
      expect(await workersOf(silo.id)).toBe(serverSetting);
    } finally {
      await h.close();
    }
  });
});

describe('connection lifetime', () => {
  it('replaces a connection once it reaches POOL_MAX_LIFETIME_S', async () => {
    const h = await startHarness({ SHARED_POOL_MAX: '1', POOL_MAX_LIFETIME_S: '1' });
    try {
      const tenant = await h.createTenant('recycled', 'shared');
      const backend = () => backendOf(h, tenant.id);
      const first = await backend();
      expect(first).toBeDefined();
      await waitFor(backend, (pid) => pid !== first, { what: 'a new backend once the first is a second old' });
    } finally {
      await h.close();
    }
  });

  it('replaces a connection once it has served POOL_MAX_SCHEMAS_PER_CONNECTION schemas', async () => {
    const h = await startHarness({ SHARED_POOL_MAX: '1', POOL_MAX_SCHEMAS_PER_CONNECTION: '3' });
    try {
      const tenants = [];
      for (const slug of ['many-a', 'many-b', 'many-c', 'many-d']) tenants.push(await h.createTenant(slug, 'schema'));
      const pids = [];
      for (const t of tenants) pids.push(await backendOf(h, t.id));
      // One connection served a, b and c; the fourth schema was its last: the next checkout is a new one.
      expect(new Set(pids.slice(0, 4)).size).toBe(1);
      const next = await backendOf(h, tenants[0]!.id);
      expect(next).not.toBe(pids[0]);
      // Going round the same three schemas again keeps the new connection.
      expect(await backendOf(h, tenants[1]!.id)).toBe(next);
    } finally {
      await h.close();
    }
  });

  it('serves a schema from its two home connections of a partitioned cell while they are free', async () => {
    const h = await startHarness({ SHARED_POOL_MAX: '6', SHARED_POOL_PARTITIONS: '6' });
    try {
      const tenants: TenantRecord[] = [];
      const home = (t: TenantRecord) => new Set(partitionsOf(t.placement.schema, 6));
      const apartFrom = (a: TenantRecord) =>
        tenants.filter((t) => t !== a && ![...home(t)].some((p) => home(a).has(p)));
      // Tenants until two of them have no home partition in common (schema names are random).
      while (tenants.length < 3 || !tenants.some((t) => apartFrom(t).length > 0))
        tenants.push(await h.createTenant(`home-${tenants.length}`, 'schema'));
      const pids = new Map<string, Set<number | undefined>>(tenants.map((t) => [t.id, new Set()]));
      for (let round = 0; round < 10; round++) for (const t of tenants) pids.get(t.id)!.add(await backendOf(h, t.id));
      for (const used of pids.values()) expect(used.size).toBeLessThanOrEqual(2);
      // Tenants whose home partitions differ never meet on a backend (one pool would serve all from one).
      for (const a of tenants)
        for (const b of apartFrom(a))
          expect([...pids.get(a.id)!].filter((pid) => pids.get(b.id)!.has(pid))).toEqual([]);
    } finally {
      await h.close();
    }
  });
});
