import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { OpsGuard } from '@switchyard/auth';
import { AuditLogRepository } from '@switchyard/control-plane';
import { DomainError } from '@switchyard/errors';
import { auditPage } from '../control-plane.responses';
import { ApiDoc, intParam, queryObject, ZodValidationPipe } from '@switchyard/http';
import { z } from 'zod';

const auditQuery = queryObject({
  actor: z.string().min(1).max(256).optional(),
  action: z
    .string()
    .regex(/^[a-z]+\.[a-z-]+$/, 'must look like tenant.create')
    .optional(),
  target: z.string().min(1).max(256).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  limit: intParam(1, 500).default(100),
  cursor: z
    .string()
    .regex(/^\d{1,18}$/, 'cursor is not valid')
    .optional(),
});

@Controller('v1/audit')
@UseGuards(OpsGuard)
export class AuditController {
  constructor(private readonly audit: AuditLogRepository) {}

  /** The audit trail, newest first; `target` matches a tenant id or slug, or a run id; `since`/`until` bound `at`. */
  @Get()
  @ApiDoc({ summary: 'The audit trail, newest first', response: auditPage })
  async list(@Query(new ZodValidationPipe(auditQuery, 'query')) query: z.infer<typeof auditQuery>) {
    const beforeId = query.cursor ? Number(query.cursor) : undefined;
    if (beforeId !== undefined && !Number.isSafeInteger(beforeId))
      throw new DomainError('VALIDATION_FAILED', 'cursor is not valid');
    const rows = await this.audit.list({
      actor: query.actor,
      action: query.action,
      target: query.target,
      since: query.since ? new Date(query.since) : undefined,
      until: query.until ? new Date(query.until) : undefined,
      limit: query.limit + 1,
      beforeId,
    });
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > query.limit && last ? String(last.id) : null };
  }
}
