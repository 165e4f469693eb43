import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveService } from '@switchyard/archive';
import { startHarness, type Harness } from './support/harness';

const LIMIT = 64 * 1024;

/**
 * The import endpoint spools an archive to disk before it verifies it: ARCHIVE_MAX_BYTES keeps a sender
 * from filling that disk, whether it announces its size or streams without one.
 */
describe('ARCHIVE_MAX_BYTES', () => {
  let h: Harness;
  let base: string;
  let ops: Record<string, string>;
  let archive: Buffer;

  beforeAll(async () => {
    h = await startHarness({ MOVE_WORKER: 'false', ARCHIVE_MAX_BYTES: String(LIMIT) });
    await h.controlPlane.listen(0, '127.0.0.1');
    base = await h.controlPlane.getUrl();
    ops = { Authorization: `Bearer ${h.opsToken()}` };
    const tenant = await h.createTenant('lim-source', 'schema');
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    await h.controlPlane.get(ArchiveService).export(tenant.slug, out);
    archive = Buffer.concat(chunks);
  });
  afterAll(() => h?.close());

  /** POSTs `body` as an archive, with its Content-Length or streamed in chunks without one. */
  const post = async (slug: string, body: Buffer, streamed: boolean) => {
    const res = await fetch(`${base}/v1/tenants/import?slug=${slug}&tier=shared`, {
      method: 'POST',
      headers: { ...ops, 'Content-Type': 'application/x-tar' },
      body: streamed
        ? (Readable.toWeb(Readable.from(chunksOf(body, 16 * 1024))) as ReadableStream<Uint8Array>)
        : new Uint8Array(body),
      duplex: 'half',
    } as RequestInit);
    return { status: res.status, body: (await res.json()) as { code?: string; detail?: string } };
  };

  it('refuses a larger archive with 413 ARCHIVE_TOO_LARGE, announced or streamed, and creates nothing', async () => {
    expect(archive.length).toBeLessThan(LIMIT);
    // Zero blocks after a tar's end are still a valid tar: only the size is wrong.
    const oversized = Buffer.concat([archive, Buffer.alloc(LIMIT * 80)]);
    for (const streamed of [false, true]) {
      const refused = await post('lim-big', oversized, streamed);
      expect([refused.status, refused.body.code], `streamed: ${streamed}`).toEqual([413, 'ARCHIVE_TOO_LARGE']);
      expect(refused.body.detail).toContain(String(LIMIT));
    }
    await h.cpRequest().get('/v1/tenants/lim-big').set(ops).expect(404);

    for (const [slug, streamed] of [
      ['lim-small', false],
      ['lim-small-streamed', true],
    ] as const)
      expect((await post(slug, archive, streamed)).status).toBe(201);
  });
});

function* chunksOf(data: Buffer, size: number): Generator<Buffer> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}
