import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** What a table's COPY data amounts to: the manifest's `rows`, `bytes` and `sha256`. */
export interface CopyDigestResult {
  rows: number;
  bytes: number;
  sha256: string;
}

/**
 * COPY TO hands over one chunk per row: passed on one by one, a million rows cost a million trips
 * through every stream after this one. Gathered to about this size, they cost a few thousand.
 */
const BATCH_BYTES = 64 * 1024;

/**
 * Passes COPY text data through unchanged while taking its digest: SHA-256, bytes, and rows — one per
 * newline, since COPY's text format escapes newlines inside values. Used on both sides: export writes
 * the result into the manifest, import compares it with the manifest before anything commits.
 */
export class CopyDigest extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private rows = 0;
  private bytes = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private digest?: CopyDigestResult;

  constructor(private readonly onRows: (rowsSoFar: number) => void = () => undefined) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= BATCH_BYTES) this.pass();
    done();
  }

  override _flush(done: TransformCallback): void {
    this.pass();
    this.digest = { rows: this.rows, bytes: this.bytes, sha256: this.hash.digest('hex') };
    done();
  }

  /** The digest, once all the data has gone through; undefined before (a stream that ended early). */
  result(): CopyDigestResult | undefined {
    return this.digest;
  }

  private pass(): void {
    if (this.pendingBytes === 0) return;
    const batch = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.hash.update(batch);
    this.bytes += batch.length;
    let rows = 0;
    for (let i = batch.indexOf(10); i !== -1; i = batch.indexOf(10, i + 1)) rows++;
    if (rows > 0) {
      this.rows += rows;
      this.onRows(this.rows);
    }
    this.push(batch);
  }
}
