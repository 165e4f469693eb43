import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CopyDigest } from './copy-digest';

describe('CopyDigest', () => {
  it('passes COPY text through whole, with its rows, bytes and SHA-256, however it is chunked', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `${i}\tname ${i}\twith a \\n escaped newline\n`);
    const text = rows.join('');
    const seen: number[] = [];
    const digest = new CopyDigest((n) => seen.push(n));
    const out: Buffer[] = [];
    for await (const chunk of Readable.from(rows.map((r) => Buffer.from(r))).pipe(digest)) out.push(chunk as Buffer);
    expect(Buffer.concat(out).toString()).toBe(text);
    expect(digest.result()).toEqual({
      rows: 5000,
      bytes: Buffer.byteLength(text),
      sha256: createHash('sha256').update(text).digest('hex'),
    });
    expect(seen.at(-1)).toBe(5000);
    expect(seen.length).toBeLessThan(100);
  });

  it('has no result until the data has ended', () => {
    expect(new CopyDigest().result()).toBeUndefined();
  });
});
