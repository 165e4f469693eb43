import { IDEMPOTENCY_KEY_DOC, IdempotencyInterceptor } from '@switchyard/idempotency';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { OpsGuard, type AuthenticatedRequest } from '@switchyard/auth';
import { auditActor, MOVE_STATES, TERMINAL_MOVE_STATES, TIERS } from '@switchyard/control-plane';
import { moveList, moveResponse } from '../control-plane.responses';
import { ApiDoc, intParam, queryObject, streamEvents, ZodValidationPipe } from '@switchyard/http';
import type { Request, Response } from 'express';
import { MovesService } from '@switchyard/moves';
import { z } from 'zod';
import { Audited } from '../audit/audited.decorator';
import { cellName, serverName, tenantRef } from '../control-plane.schemas';
import { moveView } from './move.view';

const moveBody = z.strictObject({ tier: z.enum(TIERS), server: serverName.optional(), cell: cellName.optional() });
const moveId = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'must be a UUID');
const listQuery = queryObject({
  tenant: tenantRef.optional(),
  state: z.enum(MOVE_STATES).optional(),
  limit: intParam(1, 200).default(50),
});

@Controller('v1')
@UseGuards(OpsGuard)
export class MovesController {
  constructor(private readonly moves: MovesService) {}

  /** Starts moving a tenant to another tier or server; the control plane's worker carries it out. */
  @Post('tenants/:ref/moves')
  @UseInterceptors(IdempotencyInterceptor)
  @ApiDoc({
    summary: 'Start moving a tenant to another tier, cell or server',
    response: moveResponse,
    headers: [IDEMPOTENCY_KEY_DOC],
    errors: [
      'IDEMPOTENCY_KEY_REUSED',
      'IDEMPOTENCY_KEY_IN_USE',
      'TENANT_NOT_FOUND',
      'TENANT_MOVING',
      'MOVE_NOT_NEEDED',
      'SERVER_NOT_FOUND',
      'CELL_NOT_FOUND',
    ],
  })
  @HttpCode(202)
  @Audited({ action: 'tenant.move', subject: (req) => ({ tenant: req.params.ref }) })
  async start(
    @Param('ref', new ZodValidationPipe(tenantRef, 'tenant')) ref: string,
    @Body(new ZodValidationPipe(moveBody, 'body')) body: z.infer<typeof moveBody>,
    @Req() request: AuthenticatedRequest,
  ) {
    return moveView(await this.moves.request(ref, body, auditActor(request.user?.sub)));
  }

  @Get('moves')
  @ApiDoc({ summary: 'Moves, newest first', response: moveList })
  async list(@Query(new ZodValidationPipe(listQuery, 'query')) query: z.infer<typeof listQuery>) {
    return { items: (await this.moves.list(query)).map(moveView) };
  }

  @Get('moves/:id')
  @ApiDoc({
    summary: 'One move with its progress and verification',
    response: moveResponse,
    errors: ['MOVE_NOT_FOUND'],
  })
  async get(@Param('id', new ZodValidationPipe(moveId, 'id')) id: string) {
    return moveView(await this.moves.get(id));
  }

  /** Live progress for the console: the move now, then every change, until it ends. */
  @Get('moves/:id/events')
  @ApiDoc({
    summary: 'A move’s progress as Server-Sent Events, until it ends',
    response: moveResponse,
    stream: '`event: move` with the move (as GET /v1/moves/{id}) at every change; `event: end` once it has ended',
    errors: ['MOVE_NOT_FOUND'],
  })
  async events(
    @Param('id', new ZodValidationPipe(moveId, 'id')) id: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const read = async () => moveView(await this.moves.get(id));
    await streamEvents(request, response, await read(), {
      event: 'move',
      read,
      finished: (move) => TERMINAL_MOVE_STATES.includes(move.state),
    });
  }

  /** Stops a move before its cutover; the tenant stays where it was and the partial copy is removed. */
  @Post('moves/:id/cancel')
  @UseInterceptors(IdempotencyInterceptor)
  @ApiDoc({
    summary: 'Cancel a move before its cutover; the tenant stays where it was',
    response: moveResponse,
    headers: [IDEMPOTENCY_KEY_DOC],
    errors: ['IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_KEY_IN_USE', 'MOVE_NOT_FOUND', 'MOVE_NOT_CANCELLABLE'],
  })
  @HttpCode(202)
  @Audited({ action: 'move.cancel', subject: (req) => ({ move: req.params.id }) })
  async cancel(@Param('id', new ZodValidationPipe(moveId, 'id')) id: string, @Req() request: AuthenticatedRequest) {
    return moveView(await this.moves.cancel(id, auditActor(request.user?.sub)));
  }
}
