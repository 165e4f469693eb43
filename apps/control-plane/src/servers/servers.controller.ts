import { IDEMPOTENCY_KEY_DOC, IdempotencyInterceptor } from '@switchyard/idempotency';
import { Controller, Get, HttpCode, Param, Post, Req, UseGuards, UseInterceptors } from '@nestjs/common';
import { OpsGuard, type AuthenticatedRequest } from '@switchyard/auth';
import { auditActor, ServerOverviews, type ServerOverview } from '@switchyard/control-plane';
import { ApiDoc, ZodValidationPipe } from '@switchyard/http';
import { DrainService } from '@switchyard/moves';
import type { z } from 'zod';
import { Audited } from '../audit/audited.decorator';
import { serverName } from '../control-plane.schemas';
import { moveView } from '../moves/move.view';
import type { JsonOf } from '../control-plane.responses';
import { drainResponse, serverList } from './servers.responses';

@Controller('v1/servers')
@UseGuards(OpsGuard)
export class ServersController {
  constructor(
    private readonly overviews: ServerOverviews,
    private readonly drains: DrainService,
  ) {}

  /** Registered PostgreSQL servers: cells, tenants per tier, connections in use and bytes. */
  @Get()
  @ApiDoc({ summary: 'Registered servers: cells, tenants per tier, connections and bytes', response: serverList })
  async list(): Promise<{ items: ServerOverview[] }> {
    return { items: await this.overviews.list() };
  }

  /**
   * Moves every tenant off the server (202): one move per tenant, run by the control plane's worker
   * (MOVE_CONCURRENCY at a time); follow them at GET /v1/moves.
   */
  @Post(':name/drain')
  @UseInterceptors(IdempotencyInterceptor)
  @ApiDoc({
    summary: 'Move every tenant off a server, a few at a time, and report',
    response: drainResponse,
    headers: [IDEMPOTENCY_KEY_DOC],
    errors: ['IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_KEY_IN_USE', 'SERVER_NOT_FOUND'],
  })
  @HttpCode(202)
  @Audited({ action: 'server.drain' })
  async drain(
    @Param('name', new ZodValidationPipe(serverName, 'name')) name: string,
    @Req() request: AuthenticatedRequest,
  ) {
    const started = await this.drains.start(name, auditActor(request.user?.sub));
    return { ...started, moves: started.moves.map(moveView) };
  }
}

// The documented schemas and the handlers must agree: this stops compiling when one changes alone.
type Served<K extends keyof ServersController> = JsonOf<Awaited<ReturnType<ServersController[K]>>>;
export const serversMatchSchemas: [
  (v: Served<'list'>) => z.infer<typeof serverList>,
  (v: Served<'drain'>) => z.infer<typeof drainResponse>,
] = [(v) => v, (v) => v];
