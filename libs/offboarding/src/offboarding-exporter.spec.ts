import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportToFile, type OffboardingExporter } from './offboarding-exporter';

const write = (out: Writable, chunk: string) =>
  new Promise<void>((resolve, reject) => out.write(chunk, (error) => (error ? reject(error) : resolve())));

describe('exporting to a file before erasing', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'offboarding-export-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes the whole archive, with its size and digest', async () => {
    const exporter: OffboardingExporter = {
      async exportTenant(tenantId, out) {
        await write(out, `archive of ${tenantId}\n`);
        await write(out, 'rows…\n');
        return { rows: 2 };
      },
    };
    const file = join(dir, 'a.archive');
    const receipt = await exportToFile(exporter, 'tenant-1', file);
    const content = await readFile(file);
    expect(content.toString()).toBe('archive of tenant-1\nrows…\n');
    expect(receipt).toMatchObject({
      file,
      bytes: content.length,
      sha256: createHash('sha256').update(content).digest('hex'),
      summary: { rows: 2 },
    });
  });

  it('never overwrites a file, and removes what a failed export wrote', async () => {
    const existing = join(dir, 'existing.archive');
    await writeFile(existing, 'keep me');
    const never: OffboardingExporter = { exportTenant: () => Promise.reject(new Error('not called')) };
    await expect(exportToFile(never, 't', existing)).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await readFile(existing, 'utf8')).toBe('keep me');

    const failing: OffboardingExporter = {
      async exportTenant(_tenantId, out) {
        await write(out, 'half an archive');
        throw new Error('the source went away');
      },
    };
    const partial = join(dir, 'partial.archive');
    await expect(exportToFile(failing, 't', partial)).rejects.toThrow('the source went away');
    expect(existsSync(partial)).toBe(false);
  });
});
