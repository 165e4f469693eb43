import type { ImportResult } from '@switchyard/archive';
import type { z } from 'zod';
import type { JsonOf } from '../control-plane.responses';
import { tenantView } from '../tenants/tenant.view';
import type { importResponse } from './archive.schemas';

/** The control-plane API's answer to an import (POST /v1/tenants/import). */
export function importView(result: ImportResult) {
  const { manifest } = result;
  return {
    tenant: tenantView(result.tenant),
    replaced: result.replaced,
    rows: result.rows,
    deleted: result.deleted,
    tables: result.tables,
    archive: {
      format: manifest.format,
      formatVersion: manifest.formatVersion,
      schemaVersion: manifest.schemaVersion,
      exportedAt: manifest.exportedAt,
      tenant: manifest.tenant,
    },
  };
}

export type ImportView = ReturnType<typeof importView>;

// The documented schema and the view must agree: this stops compiling when one changes alone.
export const importViewMatchesSchema: (v: JsonOf<ImportView>) => z.infer<typeof importResponse> = (v) => v;
