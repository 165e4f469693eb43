import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { NestExpressApplication } from '@nestjs/platform-express';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditPage,
  candidateReport,
  cellList,
  doctorReport,
  fleetStatus,
  migrationRun,
  migrationRunList,
  moveEstimate,
  moveList,
  moveResponse,
  overviewResponse,
  serverList,
  tenantPage,
  tenantResponse,
  tenantUsage,
  usageTop,
} from '@apps/control-plane';
import { MigrationRunsService } from '@switchyard/migrations';
import { MoveRunner, MovesService } from '@switchyard/moves';
import { startHarness } from './support/harness';

/**
 * The OpenAPI documents are the contract clients build on: they must be valid OpenAPI 3.1, name every
 * route the apps serve with its parameters, and say every status a route answers. A client generated
 * from the tenant API's document must compile and call every route.
 */

type Doc = {
  paths: Record<
    string,
    Record<string, { parameters?: { name: string; in: string }[]; responses: object; operationId: string }>
  >;
};

interface RouteLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** What the app really serves: `GET /v1/employees/{id}` for each route Nest registered. */
function servedRoutes(app: NestExpressApplication): string[] {
  const stack = (app.getHttpAdapter().getInstance() as { router: { stack: RouteLayer[] } }).router.stack;
  return stack
    .filter((layer) => layer.route)
    .flatMap((layer) =>
      Object.keys(layer.route!.methods).map(
        (m) => `${m.toUpperCase()} ${layer.route!.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`,
      ),
    )
    .sort();
}

const documented = (doc: Doc) =>
  Object.entries(doc.paths)
    .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
    .sort();

async function setup() {
  const h = await startHarness();
  const tenant = await h.createTenant('openapi-client', 'schema');
  const apiDoc = (await h.apiRequest().get('/openapi.json').expect(200)).body as Doc;
  const cpDoc = (await h.cpRequest().get('/openapi.json').expect(200)).body as Doc;
  return { h, tenant, apiDoc, cpDoc };
}

describe('the OpenAPI documents', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    ctx = await setup();
  });
  afterAll(() => ctx?.h.close());

  it('describe the control plane’s responses as they really are', async () => {
    const { h, tenant } = ctx;
    const ops = { Authorization: `Bearer ${h.opsToken()}` };
    const move = await h.controlPlane.get(MovesService).request(tenant.slug, { tier: 'database' });
    await h.controlPlane.get(MoveRunner).execute(move.id);
    const runs = h.controlPlane.get(MigrationRunsService);
    const { run } = await runs.execute(await runs.accept({ dryRun: true }), { dryRun: true });
    const answers = [
      [tenantPage, '/v1/tenants'],
      [tenantResponse, `/v1/tenants/${tenant.slug}`],
      [moveList, '/v1/moves'],
      [moveResponse, `/v1/moves/${move.id}`],
      [auditPage, '/v1/audit'],
      [serverList, '/v1/servers'],
      [cellList, '/v1/cells'],
      [overviewResponse, '/v1/overview'],
      [doctorReport, '/v1/doctor'],
      [fleetStatus, '/v1/migrations'],
      [migrationRunList, '/v1/migrations/runs'],
      [migrationRun, `/v1/migrations/runs/${run.id}`],
      [candidateReport, '/v1/advisor/candidates'],
      [moveEstimate, `/v1/tenants/${tenant.slug}/moves/estimate?tier=shared`],
      [tenantUsage, `/v1/tenants/${tenant.slug}/usage`],
      [usageTop, '/v1/usage/top'],
    ] as const;
    for (const [schema, path] of answers) {
      const { body } = await h.cpRequest().get(path).set(ops).expect(200);
      const parsed = schema.safeParse(body);
      expect(parsed.error?.issues ?? [], path).toEqual([]);
    }
    // The documents carry those schemas: a client sees the fields, not an open object.
    const get = ctx.cpDoc.paths['/v1/tenants/{ref}']?.get?.responses as Record<
      string,
      { content: { 'application/json': { schema: { properties?: object } } } }
    >;
    expect(Object.keys(get['200']?.content['application/json'].schema.properties ?? {})).toContain('placement');
  });

  it('are valid OpenAPI 3.1', async () => {
    for (const doc of [ctx.apiDoc, ctx.cpDoc]) {
      const result = await new Validator().validate(structuredClone(doc) as never);
      expect(result.errors ?? []).toEqual([]);
      expect(result.valid).toBe(true);
    }
  });

  it('name every route each app serves, with its path parameters, and nothing it does not', () => {
    for (const [app, doc] of [
      [ctx.h.api, ctx.apiDoc],
      [ctx.h.controlPlane, ctx.cpDoc],
    ] as const) {
      expect(documented(doc)).toEqual(servedRoutes(app));
      for (const [path, ops] of Object.entries(doc.paths))
        for (const op of Object.values(ops)) {
          const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
          const params = (op.parameters ?? [])
            .filter((p) => p.in === 'path')
            .map((p) => p.name)
            .sort();
          expect(params, path).toEqual(inPath);
        }
    }
  });

  it('are also a page to read at /docs, with every operation and no script', async () => {
    for (const [request, doc] of [
      [ctx.h.apiRequest, ctx.apiDoc],
      [ctx.h.cpRequest, ctx.cpDoc],
    ] as const) {
      const page = await request().get('/docs').expect(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['content-security-policy']).toContain("default-src 'none'");
      expect(page.text).not.toContain('<script');
      for (const ops of Object.values(doc.paths))
        for (const op of Object.values(ops)) expect(page.text).toContain(`id="${op.operationId}"`);
    }
  });

  it('describe the query parameters and bodies the validation uses', () => {
    const list = ctx.apiDoc.paths['/v1/wellness-entries']!.get!;
    expect(list.parameters!.map((p) => p.name).sort()).toEqual(['cursor', 'employeeId', 'from', 'limit', 'to']);
    const create = ctx.apiDoc.paths['/v1/wellness-entries']!.post! as unknown as {
      requestBody: { content: { 'application/json': { schema: { required: string[] } } } };
      responses: Record<string, unknown>;
    };
    expect(create.requestBody.content['application/json'].schema.required.sort()).toEqual(
      ['employeeId', 'kind', 'loggedOn', 'value'].sort(),
    );
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403', '404', '503']));
  });

  it('generate a typed client that compiles and calls every tenant route with documented statuses', async () => {
    const { h, tenant, apiDoc } = ctx;
    const dir = join(process.cwd(), '.switchyard', `openapi-client-${process.pid}`);
    await mkdir(dir, { recursive: true });
    try {
      await writeFile(join(dir, 'api.d.mts'), astToString(await openapiTS(apiDoc as never)));
      await writeFile(join(dir, 'client.mts'), CLIENT_PROGRAM);

      // Compile under strict TypeScript: a route or field the document lacks is a type error here.
      const program = ts.createProgram([join(dir, 'client.mts')], {
        strict: true,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        target: ts.ScriptTarget.ES2022,
        skipLibCheck: true,
        outDir: dir,
      });
      const diagnostics = ts
        .getPreEmitDiagnostics(program)
        .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      expect(diagnostics).toEqual([]);
      program.emit();

      // Run it, as a client would, against the API listening on a port.
      await h.api.listen(0, '127.0.0.1');
      const { port } = h.api.getHttpServer().address() as AddressInfo;
      const { stdout } = await promisify(execFile)(process.execPath, [join(dir, 'client.mjs')], {
        env: { ...process.env, BASE_URL: `http://127.0.0.1:${port}`, TOKEN: h.tokenFor(tenant.id) },
      });
      const [line] = stdout.trim().split('\n').slice(-1);
      const calls = JSON.parse(line!) as { op: string; status: number }[];

      const operations = documented(apiDoc);
      expect(new Set(calls.map((c) => c.op))).toEqual(new Set(operations));
      for (const { op, status } of calls) {
        const [method, path] = op.split(' ') as [string, string];
        expect(Object.keys(apiDoc.paths[path]![method.toLowerCase()]!.responses), op).toContain(String(status));
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** A client program written against the generated types only. */
const CLIENT_PROGRAM = `
import createClient from 'openapi-fetch';
import type { paths } from './api.mjs';

const client = createClient<paths>({
  baseUrl: process.env.BASE_URL,
  headers: { Authorization: \`Bearer \${process.env.TOKEN}\` },
});
const calls: { op: string; status: number }[] = [];
const record = (op: string, response: Response) => calls.push({ op, status: response.status });

record('GET /v1/tenant', (await client.GET('/v1/tenant')).response);
const created = await client.POST('/v1/employees', { body: { email: 'client@openapi.io', fullName: 'Client' } });
record('POST /v1/employees', created.response);
const employeeId: string = created.data!.id;
record('GET /v1/employees', (await client.GET('/v1/employees', { params: { query: { limit: '10' } } })).response);
record('GET /v1/employees/{id}', (await client.GET('/v1/employees/{id}', { params: { path: { id: employeeId } } })).response);
record(
  'GET /v1/employees/{id}',
  (await client.GET('/v1/employees/{id}', { params: { path: { id: '00000000-0000-4000-8000-000000000000' } } })).response,
);
record(
  'PATCH /v1/employees/{id}',
  (await client.PATCH('/v1/employees/{id}', { params: { path: { id: employeeId } }, body: { fullName: 'Renamed' } }))
    .response,
);
const entry = await client.POST('/v1/wellness-entries', {
  body: { employeeId, kind: 'steps', value: 1200, loggedOn: '2026-03-01', notes: null },
});
record('POST /v1/wellness-entries', entry.response);
const badEntry = await client.POST('/v1/wellness-entries', {
  body: { employeeId, kind: 'mood', value: 42, loggedOn: '2026-03-01' },
});
record('POST /v1/wellness-entries', badEntry.response);
const entryId: string = entry.data!.id;
record(
  'GET /v1/wellness-entries',
  (await client.GET('/v1/wellness-entries', { params: { query: { employeeId, from: '2026-01-01' } } })).response,
);
record('GET /v1/wellness-entries/{id}', (await client.GET('/v1/wellness-entries/{id}', { params: { path: { id: entryId } } })).response);
record('GET /v1/wellness-summary', (await client.GET('/v1/wellness-summary', { params: { query: { from: '2026-01-01' } } })).response);
record('DELETE /v1/wellness-entries/{id}', (await client.DELETE('/v1/wellness-entries/{id}', { params: { path: { id: entryId } } })).response);
record('DELETE /v1/employees/{id}', (await client.DELETE('/v1/employees/{id}', { params: { path: { id: employeeId } } })).response);
record('GET /health/live', (await client.GET('/health/live')).response);
record('GET /health/ready', (await client.GET('/health/ready')).response);
record('GET /metrics', (await client.GET('/metrics', { parseAs: 'text' })).response);
record('GET /openapi.json', (await client.GET('/openapi.json')).response);
record('GET /docs', (await client.GET('/docs', { parseAs: 'text' })).response);
console.log(JSON.stringify(calls));
`;
