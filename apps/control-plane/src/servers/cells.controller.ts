import { IDEMPOTENCY_KEY_DOC, IdempotencyInterceptor } from '@switchyard/idempotency';
import { Body, Controller, Get, Post, Req, UseGuards, UseInterceptors } from '@nestjs/common';
import { OpsGuard, type AuthenticatedRequest } from '@switchyard/auth';
import { auditActor, type CellLoad, type CellRecord } from '@switchyard/control-plane';
import { ApiDoc, ZodValidationPipe } from '@switchyard/http';
import { CellsService } from '@switchyard/provisioning';
import { z } from 'zod';
import { Audited } from '../audit/audited.decorator';
import { cellName, serverName } from '../control-plane.schemas';
import type { JsonOf } from '../control-plane.responses';
import { cellList, cellRecord } from './servers.responses';

const addCellBody = z.strictObject({ name: cellName, server: serverName });

@Controller('v1/cells')
@UseGuards(OpsGuard)
export class CellsController {
  constructor(private readonly cells: CellsService) {}

  /** Shared cells and how many shared and schema tenants each holds. */
  @Get()
  @ApiDoc({ summary: 'Shared cells and the tenants each holds', response: cellList })
  async list(): Promise<{ items: CellLoad[] }> {
    return { items: await this.cells.list() };
  }

  /** Adds a shared cell on a registered server (its database created and migrated); 201. */
  @Post()
  @UseInterceptors(IdempotencyInterceptor)
  @ApiDoc({
    summary: 'Add a shared cell on a registered server',
    response: cellRecord,
    headers: [IDEMPOTENCY_KEY_DOC],
    errors: ['IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_KEY_IN_USE', 'SERVER_NOT_FOUND', 'TENANT_EXISTS'],
  })
  @Audited({ action: 'cell.create' })
  add(
    @Body(new ZodValidationPipe(addCellBody, 'body')) body: z.infer<typeof addCellBody>,
    @Req() request: AuthenticatedRequest,
  ): Promise<CellRecord> {
    return this.cells.add(body.name, body.server, auditActor(request.user?.sub));
  }
}

// The documented schemas and the handlers must agree: this stops compiling when one changes alone.
type Served<K extends keyof CellsController> = JsonOf<Awaited<ReturnType<CellsController[K]>>>;
export const cellsMatchSchemas: [
  (v: Served<'list'>) => z.infer<typeof cellList>,
  (v: Served<'add'>) => z.infer<typeof cellRecord>,
] = [(v) => v, (v) => v];
