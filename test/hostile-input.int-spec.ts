import { createHmac, randomUUID } from 'node:crypto';
import { sign } from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantRecord } from '@switchyard/control-plane';
import { startHarness, type Harness } from './support/harness';

/**
 * Hostile input against both APIs. Every case must be answered with a clear 4xx problem+json — never a
 * 500, never a framework page — and none may change or reveal data: after the table, the control plane
 * holds exactly the tenants this file created and the tenant tables exactly the rows it created.
 */

interface Res {
  status: number;
  headers: Record<string, string>;
  text: string;
  body: unknown;
}
interface Case {
  name: string;
  status: number;
  send: () => PromiseLike<Res>;
  /** The problem's code, where the case pins it. */
  code?: string;
  /** The Allow header of a 405. */
  allow?: string;
}

const OTHER_SECRET = 'definitely-not-the-switchyard-secret-0123456789';
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

describe('hostile input gets a clear 4xx problem+json and changes nothing', () => {
  let h: Harness;
  let main: TenantRecord;
  let other: TenantRecord;
  let seedEmployeeId: string;
  let seedEntryId: string;
  const secret = () => h.config.jwt.secret!;

  beforeAll(async () => {
    h = await startHarness();
    main = await h.createTenant('hostile-main', 'shared');
    other = await h.createTenant('hostile-other', 'shared');
    const seed = await h
      .apiRequest()
      .post('/v1/employees')
      .set(tenantAuth())
      .send({ email: 'seed@x.io', fullName: 'Seed Person' });
    expect(seed.status).toBe(201);
    seedEmployeeId = seed.body.id;
    expect(
      (await h.apiRequest().post('/v1/employees').set(tenantAuth()).send({ email: 'a@x.io', fullName: 'A' })).status,
    ).toBe(201);
    const entry = await h
      .apiRequest()
      .post('/v1/wellness-entries')
      .set(tenantAuth())
      .send({ employeeId: seedEmployeeId, kind: 'steps', value: 1000, loggedOn: '2026-01-01' });
    expect(entry.status).toBe(201);
    seedEntryId = entry.body.id;
    const otherAuth = { Authorization: `Bearer ${h.tokenFor(other.id)}` };
    expect(
      (await h.apiRequest().post('/v1/employees').set(otherAuth).send({ email: 'other@x.io', fullName: 'Other' }))
        .status,
    ).toBe(201);
  });
  afterAll(() => h?.close());

  function tenantAuth(): Record<string, string> {
    return { Authorization: `Bearer ${h.tokenFor(main.id)}` };
  }
  const opsAuth = () => ({ Authorization: `Bearer ${h.opsToken()}` });
  const api = () => h.apiRequest();
  const cp = () => h.cpRequest();
  const raw = (path: string, body: string | Buffer, method: 'post' | 'patch' = 'post') =>
    api()
      [method](path)
      .set(tenantAuth())
      .set('Content-Type', 'application/json')
      .serialize((data: unknown) => data as string) // bytes as given, not JSON-encoded by superagent
      .send(body);
  const postEmployee = (body: unknown) =>
    api()
      .post('/v1/employees')
      .set(tenantAuth())
      .send(body as object);
  const postEntry = (fields: Record<string, unknown>) =>
    api()
      .post('/v1/wellness-entries')
      .set(tenantAuth())
      .send({ employeeId: seedEmployeeId, kind: 'steps', value: 10, loggedOn: '2026-01-02', ...fields });
  const createTenant = (fields: Record<string, unknown>) =>
    cp()
      .post('/v1/tenants')
      .set(opsAuth())
      .send({ slug: 'hostile-new', name: 'New', tier: 'shared', ...fields });

  // ---- tokens -------------------------------------------------------------------------------------
  const claims = () => ({ sub: 'user-1', tid: main.id });
  const tokens: [string, () => string | undefined, number][] = [
    ['missing Authorization header', () => undefined, 401],
    ['Bearer with garbage', () => 'Bearer garbage.garbage.garbage', 401],
    ['Bearer with nothing after it', () => 'Bearer ', 401],
    ['a valid token followed by junk', () => `Bearer ${h.tokenFor(main.id)} junk`, 401],
    ['a valid token under another scheme', () => `Token ${h.tokenFor(main.id)}`, 401],
    ['Basic credentials', () => `Basic ${Buffer.from('admin:admin').toString('base64')}`, 401],
    ['expired token', () => `Bearer ${sign({ ...claims(), exp: now() - 60 }, secret())}`, 401],
    ['token signed with another secret', () => `Bearer ${sign(claims(), OTHER_SECRET, { expiresIn: 600 })}`, 401],
    [
      'alg: none token',
      () => `Bearer ${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ ...claims(), exp: now() + 600 })}.`,
      401,
    ],
    ['token without exp', () => `Bearer ${sign(claims(), secret())}`, 401],
    ['token without sub', () => `Bearer ${sign({ tid: main.id }, secret(), { expiresIn: 600 })}`, 401],
    [
      'token whose tid is not a UUID',
      () => `Bearer ${sign({ sub: 'u', tid: 'not-a-uuid' }, secret(), { expiresIn: 600 })}`,
      401,
    ],
    [
      'token whose tid is SQL',
      () => `Bearer ${sign({ sub: 'u', tid: "' OR 1=1 --" }, secret(), { expiresIn: 600 })}`,
      401,
    ],
    ['token whose tid is a number', () => `Bearer ${sign({ sub: 'u', tid: 42 }, secret(), { expiresIn: 600 })}`, 401],
    [
      'RS256-labelled token (HMAC-signed with the secret: algorithm confusion)',
      () => {
        const signingInput = `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url({ ...claims(), exp: now() + 600 })}`;
        return `Bearer ${signingInput}.${createHmac('sha256', secret()).update(signingInput).digest('base64url')}`;
      },
      401,
    ],
    ['valid token of a tenant that does not exist', () => `Bearer ${h.tokenFor(randomUUID())}`, 403],
  ];
  const withAuth = <T extends { set(field: string, value: string): T }>(test: T, header: string | undefined): T =>
    header === undefined ? test : test.set('Authorization', header);
  const tokenCases: Case[] = tokens.flatMap(([name, header, status], i) => [
    { name: `GET with ${name}`, status, send: () => withAuth(api().get('/v1/employees'), header()) },
    {
      name: `POST with ${name}`,
      status,
      send: () =>
        withAuth(api().post('/v1/employees'), header()).send({ email: `intruder${i}@x.io`, fullName: 'Intruder' }),
    },
  ]);

  // ---- path and query -----------------------------------------------------------------------------
  const badIds = [
    'not-a-uuid',
    encodeURIComponent("' OR 1=1 --"),
    '%00',
    'x'.repeat(500),
    encodeURIComponent(`${randomUUID()}' OR '1'='1`),
    '%E0%A4%A',
  ];
  const idCases: Case[] = badIds.flatMap((id) => [
    {
      name: `GET /v1/employees/${id.slice(0, 40)}`,
      status: 400,
      send: () => api().get(`/v1/employees/${id}`).set(tenantAuth()),
    },
    {
      name: `PATCH /v1/employees/${id.slice(0, 40)}`,
      status: 400,
      send: () => api().patch(`/v1/employees/${id}`).set(tenantAuth()).send({ fullName: 'Hacked' }),
    },
    {
      name: `DELETE /v1/employees/${id.slice(0, 40)}`,
      status: 400,
      send: () => api().delete(`/v1/employees/${id}`).set(tenantAuth()),
    },
    {
      name: `GET /v1/wellness-entries/${id.slice(0, 40)}`,
      status: 400,
      send: () => api().get(`/v1/wellness-entries/${id}`).set(tenantAuth()),
    },
    {
      name: `DELETE /v1/wellness-entries/${id.slice(0, 40)}`,
      status: 400,
      send: () => api().delete(`/v1/wellness-entries/${id}`).set(tenantAuth()),
    },
  ]);
  const badQueries = [
    'limit=0',
    'limit=-1',
    'limit=1000',
    'limit=abc',
    'limit=1.5',
    'limit=',
    'limit=1&limit=2',
    `cursor=${encodeURIComponent("'; drop table employees; --")}`,
    `cursor=${Buffer.from('definitely-not-a-uuid').toString('base64url')}`,
    `cursor=${'A'.repeat(200)}`,
    'cursor=a&cursor=b',
    'limit=1e2',
    'limit=0x10',
    'limit=%2B5',
    'limit=%205',
    'limit=5.0',
    'limit[]=5',
    'limit[$gt]=5',
    'unknown=1',
  ];
  const queryCases: Case[] = [
    ...badQueries.flatMap((q) => [
      {
        name: `GET /v1/employees?${q.slice(0, 50)}`,
        status: 400,
        send: () => api().get(`/v1/employees?${q}`).set(tenantAuth()),
      },
      {
        name: `GET /v1/wellness-entries?${q.slice(0, 50)}`,
        status: 400,
        send: () => api().get(`/v1/wellness-entries?${q}`).set(tenantAuth()),
      },
    ]),
    ...[
      'from=2024-02-30',
      'from=yesterday',
      'to=2024-13-01',
      `from=${encodeURIComponent("2024-01-01' OR '1'='1")}`,
      'from=2024-01-01&from=2024-02-01',
      'employeeId=not-a-uuid',
      'from=2026-02-01&to=2026-01-01',
      'from[$gt]=2026-01-01',
      'to[]=2026-01-01',
    ].flatMap((q) => [
      {
        name: `GET /v1/wellness-entries?${q}`,
        status: 400,
        send: () => api().get(`/v1/wellness-entries?${q}`).set(tenantAuth()),
      },
      ...(q.startsWith('employeeId')
        ? []
        : [
            {
              name: `GET /v1/wellness-summary?${q}`,
              status: 400,
              send: () => api().get(`/v1/wellness-summary?${q}`).set(tenantAuth()),
            },
          ]),
    ]),
  ];

  // ---- bodies -------------------------------------------------------------------------------------
  const deep = (depth: number, leaf: string) => `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`;
  const invalidUtf8 = (before: string, after: string) =>
    Buffer.concat([Buffer.from(before), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(after)]);
  const bodyCases: Case[] = [
    { name: 'malformed JSON', status: 400, send: () => raw('/v1/employees', '{"email": "m@x.io", "fullName": ') },
    {
      name: 'JSON with a trailing comma',
      status: 400,
      send: () => raw('/v1/employees', '{"email": "m@x.io", "fullName": "M",}'),
    },
    {
      name: 'body over the limit (~200kb)',
      status: 413,
      send: () => raw('/v1/employees', JSON.stringify({ email: 'big@x.io', fullName: 'x'.repeat(200_000) })),
    },
    { name: 'wrong types', status: 400, send: () => postEmployee({ email: 5, fullName: [] }) },
    { name: 'missing fields', status: 400, send: () => postEmployee({}) },
    { name: 'missing fullName', status: 400, send: () => postEmployee({ email: 'missing@x.io' }) },
    {
      name: 'extra field tenantId',
      status: 400,
      send: () => postEmployee({ email: 'extra@x.io', fullName: 'X', tenantId: other.id }),
    },
    {
      name: 'extra field id',
      status: 400,
      send: () => postEmployee({ email: 'extra2@x.io', fullName: 'X', id: randomUUID() }),
    },
    {
      name: 'own __proto__ key',
      status: 400,
      send: () => raw('/v1/employees', '{"email":"proto@x.io","fullName":"P","__proto__":{"admin":true}}'),
    },
    { name: 'null body', status: 400, send: () => raw('/v1/employees', 'null') },
    {
      name: 'JSON array body',
      status: 400,
      send: () => raw('/v1/employees', JSON.stringify([{ email: 'arr@x.io', fullName: 'Arr' }])),
    },
    { name: 'JSON string body', status: 400, send: () => raw('/v1/employees', '"arr@x.io"') },
    { name: 'no body at all', status: 400, send: () => api().post('/v1/employees').set(tenantAuth()) },
    {
      name: 'JSON sent as text/plain',
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      send: () =>
        api()
          .post('/v1/employees')
          .set(tenantAuth())
          .set('Content-Type', 'text/plain')
          .send('{"email":"txt@x.io","fullName":"T"}'),
    },
    { name: '5,000 levels of nesting', status: 400, send: () => raw('/v1/employees', deep(5_000, '1')) },
    {
      name: '5,000 levels of nesting in a field',
      status: 400,
      send: () => raw('/v1/employees', `{"email":${deep(5_000, '"n@x.io"')},"fullName":"N"}`),
    },
    {
      name: '20,000 nested arrays',
      status: 400,
      send: () => raw('/v1/employees', `${'['.repeat(20_000)}${']'.repeat(20_000)}`),
    },
    {
      name: 'invalid UTF-8 at the start',
      status: 400,
      send: () => raw('/v1/employees', invalidUtf8('', '{"email":"u@x.io","fullName":"U"}')),
    },
    {
      name: 'invalid UTF-8 in email',
      status: 400,
      send: () => raw('/v1/employees', invalidUtf8('{"email":"', '@x.io","fullName":"U"}')),
    },
    {
      name: 'invalid UTF-8 in fullName',
      status: 400,
      send: () => raw('/v1/employees', invalidUtf8('{"email":"utf8@x.io","fullName":"', '"}')),
    },
    {
      name: 'unpaired UTF-16 surrogate escape in fullName',
      status: 400,
      send: () => raw('/v1/employees', '{"email":"sur@x.io","fullName":"\\ud800x"}'),
    },
    {
      name: 'email that is not an email',
      status: 400,
      send: () => postEmployee({ email: 'not-an-email', fullName: 'X' }),
    },
    {
      name: 'email carrying SQL',
      status: 400,
      send: () => postEmployee({ email: "x@x.io' OR '1'='1", fullName: 'X' }),
    },
    {
      name: 'fullName of 10,000 chars',
      status: 400,
      send: () => postEmployee({ email: 'long@x.io', fullName: 'n'.repeat(10_000) }),
    },
    { name: 'blank fullName', status: 400, send: () => postEmployee({ email: 'blank@x.io', fullName: '   ' }) },
    {
      name: 'fullName with a NUL character',
      status: 400,
      send: () => postEmployee({ email: 'nul@x.io', fullName: 'Nul\u0000Byte' }),
    },
    {
      name: 'duplicate email, other case',
      status: 409,
      send: () => postEmployee({ email: 'A@X.IO', fullName: 'A again' }),
    },
    {
      name: 'PATCH with an empty body',
      status: 400,
      send: () => api().patch(`/v1/employees/${seedEmployeeId}`).set(tenantAuth()).send({}),
    },
    {
      name: 'PATCH with wrong types',
      status: 400,
      send: () => api().patch(`/v1/employees/${seedEmployeeId}`).set(tenantAuth()).send({ email: 5 }),
    },
    {
      name: 'PATCH moving to another tenant',
      status: 400,
      send: () =>
        api().patch(`/v1/employees/${seedEmployeeId}`).set(tenantAuth()).send({ fullName: 'X', tenantId: other.id }),
    },
    {
      name: 'PATCH with malformed JSON',
      status: 400,
      send: () => raw(`/v1/employees/${seedEmployeeId}`, '{"fullName":', 'patch'),
    },
    {
      name: 'PATCH to a taken email, other case',
      status: 409,
      send: () => api().patch(`/v1/employees/${seedEmployeeId}`).set(tenantAuth()).send({ email: ' A@x.IO ' }),
    },
    { name: 'wellness entry with unknown kind', status: 400, send: () => postEntry({ kind: 'bench_press' }) },
    { name: 'wellness value "1e999" as a string', status: 400, send: () => postEntry({ value: '1e999' }) },
    {
      name: 'wellness value 1e999 as a number (Infinity)',
      status: 400,
      send: () =>
        raw(
          '/v1/wellness-entries',
          `{"employeeId":"${seedEmployeeId}","kind":"steps","value":1e999,"loggedOn":"2026-01-02"}`,
        ),
    },
    { name: 'wellness value as a string', status: 400, send: () => postEntry({ value: '42' }) },
    { name: 'wellness value null', status: 400, send: () => postEntry({ value: null }) },
    { name: 'wellness value out of range', status: 400, send: () => postEntry({ value: 1e12 }) },
    { name: 'wellness employeeId not a UUID', status: 400, send: () => postEntry({ employeeId: 'not-a-uuid' }) },
    { name: 'wellness employeeId of no employee', status: 404, send: () => postEntry({ employeeId: randomUUID() }) },
    { name: 'wellness loggedOn 2024-02-30', status: 400, send: () => postEntry({ loggedOn: '2024-02-30' }) },
    { name: 'wellness notes over 2000 chars', status: 400, send: () => postEntry({ notes: 'n'.repeat(2_001) }) },
    { name: 'wellness notes with a NUL character', status: 400, send: () => postEntry({ notes: 'a\u0000b' }) },
    { name: 'wellness extra field tenantId', status: 400, send: () => postEntry({ tenantId: other.id }) },
    { name: 'wellness negative steps', status: 400, send: () => postEntry({ value: -5 }) },
    { name: 'wellness mood of 11', status: 400, send: () => postEntry({ kind: 'mood', value: 11 }) },
    { name: 'wellness 25 hours of sleep', status: 400, send: () => postEntry({ kind: 'sleep_hours', value: 25 }) },
    {
      name: 'a text/plain body',
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      send: () => api().post('/v1/employees').set(tenantAuth()).set('Content-Type', 'text/plain').send('email=a@x.io'),
    },
    {
      name: 'a form-encoded body',
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      send: () => api().post('/v1/employees').set(tenantAuth()).type('form').send({ email: 'f@x.io', fullName: 'F' }),
    },
    {
      name: 'a missing wellness entry',
      status: 404,
      code: 'WELLNESS_ENTRY_NOT_FOUND',
      send: () => api().get(`/v1/wellness-entries/${randomUUID()}`).set(tenantAuth()),
    },
  ];

  // ---- methods, routes and the HTTP edge ----------------------------------------------------------
  const edgeCases: Case[] = [
    {
      name: 'PUT on an employee',
      status: 405,
      code: 'METHOD_NOT_ALLOWED',
      allow: 'DELETE, GET, HEAD, PATCH',
      send: () => api().put(`/v1/employees/${seedEmployeeId}`).set(tenantAuth()).send({ fullName: 'Put' }),
    },
    {
      name: 'OPTIONS on the employees',
      status: 405,
      code: 'METHOD_NOT_ALLOWED',
      allow: 'GET, HEAD, POST',
      send: () => api().options('/v1/employees').set(tenantAuth()),
    },
    {
      name: 'DELETE on the wellness summary',
      status: 405,
      allow: 'GET, HEAD',
      send: () => api().delete('/v1/wellness-summary').set(tenantAuth()),
    },
    {
      name: 'CP: PUT on a tenant',
      status: 405,
      code: 'METHOD_NOT_ALLOWED',
      send: () => cp().put(`/v1/tenants/${main.id}`).set(opsAuth()).send({ name: 'Put' }),
    },
    {
      name: 'an unknown route',
      status: 404,
      code: 'ROUTE_NOT_FOUND',
      send: () => api().get('/v1/payroll').set(tenantAuth()),
    },
    {
      name: 'headers over the server limit (20 KiB cookie)',
      status: 431,
      code: 'HEADERS_TOO_LARGE',
      send: () =>
        api()
          .get('/v1/employees')
          .set(tenantAuth())
          .set('Cookie', `c=${'x'.repeat(20_000)}`),
    },
  ];

  // ---- control-plane API --------------------------------------------------------------------------
  const badSlugs = [
    "acme'; DROP TABLE tenants; --",
    'Robert"); --',
    'ACME',
    'ab',
    'a'.repeat(64),
    'café-ünïcode',
    '',
    '-acme',
    'acme corp',
    'acme\u0000',
  ];
  const unknownRefs = [randomUUID(), 'no-such-tenant', encodeURIComponent('../../etc/passwd')];
  const cpCases: Case[] = [
    { name: 'CP: tenant token (not ops)', status: 403, send: () => cp().get('/v1/tenants').set(tenantAuth()) },
    {
      name: 'CP: tenant token creating a tenant',
      status: 403,
      send: () => cp().post('/v1/tenants').set(tenantAuth()).send({ slug: 'sneaky', name: 'S', tier: 'shared' }),
    },
    { name: 'CP: no token', status: 401, send: () => cp().get('/v1/tenants') },
    {
      name: 'CP: no token creating a tenant',
      status: 401,
      send: () => cp().post('/v1/tenants').send({ slug: 'sneaky', name: 'S', tier: 'shared' }),
    },
    {
      name: 'CP: ops claims with another secret',
      status: 401,
      send: () =>
        cp()
          .get('/v1/tenants')
          .set('Authorization', `Bearer ${sign({ sub: 'ops:x', roles: ['ops'] }, OTHER_SECRET, { expiresIn: 600 })}`),
    },
    {
      name: 'CP: roles is a string',
      status: 401,
      send: () =>
        cp()
          .get('/v1/tenants')
          .set('Authorization', `Bearer ${sign({ sub: 'ops:x', roles: 'ops' }, secret(), { expiresIn: 600 })}`),
    },
    ...badSlugs.map((slug) => ({
      name: `CP: slug ${JSON.stringify(slug).slice(0, 40)}`,
      status: 400,
      send: () => createTenant({ slug }),
    })),
    { name: 'CP: slug as a number', status: 400, send: () => createTenant({ slug: 12345 }) },
    { name: 'CP: name of 10,000 chars', status: 400, send: () => createTenant({ name: 'n'.repeat(10_000) }) },
    { name: 'CP: missing name', status: 400, send: () => createTenant({ name: undefined }) },
    { name: 'CP: unknown tier', status: 400, send: () => createTenant({ tier: 'premium' }) },
    { name: 'CP: unknown server', status: 400, send: () => createTenant({ server: 'nope' }) },
    { name: 'CP: server carrying SQL', status: 400, send: () => createTenant({ server: "primary'; --" }) },
    { name: 'CP: extra field id', status: 400, send: () => createTenant({ id: randomUUID() }) },
    {
      name: 'CP: malformed JSON',
      status: 400,
      send: () => cp().post('/v1/tenants').set(opsAuth()).set('Content-Type', 'application/json').send('{"slug":'),
    },
    { name: 'CP: body over the limit', status: 413, send: () => createTenant({ name: 'x'.repeat(200_000) }) },
    { name: 'CP: duplicate slug', status: 409, send: () => createTenant({ slug: 'hostile-main' }) },
    {
      name: 'CP: duplicate slug in another tier',
      status: 409,
      send: () => createTenant({ slug: 'hostile-main', tier: 'schema' }),
    },
    ...unknownRefs.flatMap((ref) => [
      { name: `CP: GET unknown ${ref}`, status: 404, send: () => cp().get(`/v1/tenants/${ref}`).set(opsAuth()) },
      {
        name: `CP: PATCH unknown ${ref}`,
        status: 404,
        send: () => cp().patch(`/v1/tenants/${ref}`).set(opsAuth()).send({ name: 'X' }),
      },
      { name: `CP: DELETE unknown ${ref}`, status: 404, send: () => cp().delete(`/v1/tenants/${ref}`).set(opsAuth()) },
    ]),
    {
      name: 'CP: GET ../../etc/passwd unencoded',
      status: 404,
      send: () => cp().get('/v1/tenants/../../etc/passwd').set(opsAuth()),
    },
    {
      name: 'CP: PATCH status deleted',
      status: 400,
      send: () => cp().patch(`/v1/tenants/${main.id}`).set(opsAuth()).send({ status: 'deleted' }),
    },
    {
      name: 'CP: PATCH status provisioning',
      status: 400,
      send: () => cp().patch(`/v1/tenants/${main.id}`).set(opsAuth()).send({ status: 'provisioning' }),
    },
    {
      name: 'CP: PATCH empty body',
      status: 400,
      send: () => cp().patch(`/v1/tenants/${main.id}`).set(opsAuth()).send({}),
    },
    {
      name: 'CP: PATCH slug',
      status: 400,
      send: () => cp().patch(`/v1/tenants/${main.id}`).set(opsAuth()).send({ slug: 'renamed' }),
    },
    {
      name: 'CP: PATCH name of 10,000 chars',
      status: 400,
      send: () =>
        cp()
          .patch(`/v1/tenants/${main.id}`)
          .set(opsAuth())
          .send({ name: 'n'.repeat(10_000) }),
    },
    ...[
      'tier=premium',
      'status=gone',
      'limit=0',
      'limit=abc',
      'limit=1&limit=2',
      `cursor=${encodeURIComponent("'; --")}`,
      `q=${'q'.repeat(101)}`,
    ].map((q) => ({
      name: `CP: GET /v1/tenants?${q.slice(0, 40)}`,
      status: 400,
      send: () => cp().get(`/v1/tenants?${q}`).set(opsAuth()),
    })),
  ];

  const cases = [...tokenCases, ...idCases, ...queryCases, ...bodyCases, ...edgeCases, ...cpCases];

  it.each(cases)('$name → $status', async ({ status, send, code, allow }) => {
    const res = await send();
    expect({ status: res.status, type: res.headers['content-type'] }).toEqual({
      status,
      type: expect.stringMatching(/^application\/problem\+json/),
    });
    if (allow) expect(res.headers.allow).toBe(allow);
    const body = JSON.parse(res.text) as Record<string, unknown>;
    expect(body).toMatchObject({
      type: expect.any(String),
      title: expect.any(String),
      status,
      detail: expect.any(String),
    });
    expect((body.detail as string).length).toBeGreaterThan(0);
    // One vocabulary: every problem names its code; a field has at most one error.
    expect(body.code).toEqual(code ?? expect.stringMatching(/^[A-Z][A-Z_]+$/));
    const fields = ((body.errors ?? []) as { path: string }[]).map((e) => e.path);
    expect(new Set(fields).size).toBe(fields.length);
    // Traceable: the body quotes the request id the response header carries (Node's parser answers a
    // 431 before any request exists).
    if (status !== 431) expect(body.requestId).toEqual(res.headers['x-request-id'] ?? 'a request id header');
    // Nothing leaks: no other tenant, no existing rows, no stack trace or SQL.
    for (const secretValue of [
      other.id,
      'other@x.io',
      'seed@x.io',
      seedEmployeeId,
      seedEntryId,
      h.config.names.sharedDatabase,
    ]) {
      expect(res.text).not.toContain(secretValue);
    }
    expect(res.text).not.toMatch(/\bat .+:\d+:\d+|node_modules|SELECT |INSERT |relation "|syntax error at/);
  });

  it('keeps a caller’s X-Request-Id and makes one otherwise, on every response', async () => {
    const kept = await api().get('/v1/employees').set(tenantAuth()).set('X-Request-Id', 'trace-42.a:b');
    expect(kept.status).toBe(200);
    expect(kept.headers['x-request-id']).toBe('trace-42.a:b');
    const made = await api().get('/v1/employees').set(tenantAuth());
    const madeToo = await cp().get('/v1/tenants').set(opsAuth()).set('X-Request-Id', 'no spaces allowed');
    for (const res of [made, madeToo]) expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    expect(made.headers['x-request-id']).not.toBe(madeToo.headers['x-request-id']);
  });

  it('left the control plane holding exactly the tenants the test created, unchanged', async () => {
    const tenants = await h.ownerQuery(
      h.config.names.controlDatabase,
      'SELECT id, slug, name, status FROM tenants ORDER BY slug',
    );
    expect(tenants).toEqual([
      { id: main.id, slug: 'hostile-main', name: 'hostile-main Inc', status: 'active' },
      { id: other.id, slug: 'hostile-other', name: 'hostile-other Inc', status: 'active' },
    ]);
    const placements = await h.ownerQuery(
      h.config.names.controlDatabase,
      'SELECT tenant_id, tier FROM placements ORDER BY tier, tenant_id',
    );
    expect(placements).toHaveLength(2);
  });

  it('left exactly the employees and entries the test created', async () => {
    const employees = await h.ownerQuery(
      h.config.names.sharedDatabase,
      'SELECT tenant_id, email, full_name FROM public.employees ORDER BY email',
    );
    expect(employees).toEqual([
      { tenant_id: main.id, email: 'a@x.io', full_name: 'A' },
      { tenant_id: other.id, email: 'other@x.io', full_name: 'Other' },
      { tenant_id: main.id, email: 'seed@x.io', full_name: 'Seed Person' },
    ]);
    const entries = await h.ownerQuery(
      h.config.names.sharedDatabase,
      'SELECT id, tenant_id, employee_id FROM public.wellness_entries',
    );
    expect(entries).toEqual([{ id: seedEntryId, tenant_id: main.id, employee_id: seedEmployeeId }]);
  });
});
