import { Controller, Get, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { OpsGuard, type AuthenticatedRequest } from '@switchyard/auth';
import { ARCHIVE_MEDIA_TYPE, ArchiveService, type ArchiveManifest } from '@switchyard/archive';
import { auditActor, RefusalRecorder } from '@switchyard/control-plane';
import { ApiDoc, ZodValidationPipe } from '@switchyard/http';
import type { Request, Response } from 'express';
import type { z } from 'zod';
import { Audited } from '../audit/audited.decorator';
import { tenantRef } from '../control-plane.schemas';
import { importQuery, importRequest, importResponse } from './archive.schemas';
import { importView, type ImportView } from './import.view';

const refPipe = new ZodValidationPipe(tenantRef, 'tenant');

/** `acme-20260314T101500Z.tar`: the slug and when the snapshot was taken. */
function archiveFileName(manifest: ArchiveManifest): string {
  const at = manifest.exportedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${manifest.tenant.slug}-${at}.tar`;
}

/** Tenant archives: export a tenant in any tier, restore one into a new tenant or over an existing one. */
@Controller('v1/tenants')
@UseGuards(OpsGuard)
export class ArchiveController {
  constructor(
    private readonly archives: ArchiveService,
    private readonly refusals: RefusalRecorder,
  ) {}

  @Get(':ref/export')
  @ApiDoc({
    summary: 'Export a tenant: one consistent snapshot of its rows as a tenant archive (a tar; docs/archive-format.md)',
    description:
      'The same format in every tier: manifest.json (schema version, tables, columns, rows, SHA-256 of each ' +
      'table) then each table as COPY text. Taken while the tenant keeps serving; sent once the snapshot is done.',
    responseMediaType: ARCHIVE_MEDIA_TYPE,
    errors: ['TENANT_NOT_FOUND', 'TENANT_NOT_ACTIVE', 'TENANT_FROZEN'],
  })
  @Audited({ action: 'tenant.export', subject: (req) => ({ tenant: req.params.ref }) })
  async export(
    @Param('ref', refPipe) ref: string,
    @Req() request: AuthenticatedRequest,
    @Res() response: Response,
  ): Promise<void> {
    const by = auditActor(request.user?.sub);
    try {
      await this.archives.export(ref, response, {
        by,
        beforeWrite: (manifest) => {
          response.status(200).type(ARCHIVE_MEDIA_TYPE);
          response.setHeader('Content-Disposition', `attachment; filename="${archiveFileName(manifest)}"`);
        },
      });
    } catch (error) {
      // Before the first byte, an ordinary problem response (and the interceptor records the refusal).
      if (!response.headersSent && !response.destroyed) throw error;
      // Mid-stream there is no status left to send: the archive is cut short, which any reader refuses.
      response.destroy();
      await this.refusals.record(by, 'tenant.export', { tenant: ref }, error).catch(() => undefined);
    }
  }

  @Post('import')
  @ApiDoc({
    summary:
      'Restore a tenant archive (the body) into a new tenant (slug, tier: 201) or over an existing one (replace: 200)',
    description:
      'The archive is verified whole (format, schema version, every table’s rows and SHA-256) before anything ' +
      'changes, and loaded in one transaction: a damaged archive is ARCHIVE_INVALID and nothing is created or ' +
      'replaced. An archive over ARCHIVE_MAX_BYTES is ARCHIVE_TOO_LARGE (413). Row ids are kept. A replace holds the tenant’s requests (503 with Retry-After past ' +
      'TENANT_FREEZE_WAIT_MS) while it swaps the rows.',
    requestMediaType: ARCHIVE_MEDIA_TYPE,
    response: importResponse,
    errors: [
      'ARCHIVE_INVALID',
      'ARCHIVE_TOO_LARGE',
      'TENANT_EXISTS',
      'TENANT_NOT_FOUND',
      'TENANT_NOT_ACTIVE',
      'TENANT_MOVING',
      'SCHEMA_VERSION_MISMATCH',
      'SERVER_NOT_FOUND',
      'CELL_NOT_FOUND',
      'PROVISIONING_FAILED',
    ],
  })
  @Audited({
    action: 'tenant.import',
    subject: (req) => ({ tenant: (req.query as Record<string, unknown>).replace ?? req.query.slug }),
  })
  async import(
    @Query(new ZodValidationPipe(importQuery, 'query')) query: z.infer<typeof importQuery>,
    @Req() request: AuthenticatedRequest & Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ImportView> {
    const declared = Number(request.headers['content-length']);
    const result = await this.archives.importStream(request, importRequest(query), {
      by: auditActor(request.user?.sub),
      declaredBytes: Number.isFinite(declared) ? declared : undefined,
    });
    response.status(result.replaced ? 200 : 201);
    if (!result.replaced) response.location(`/v1/tenants/${result.tenant.id}`);
    return importView(result);
  }
}
