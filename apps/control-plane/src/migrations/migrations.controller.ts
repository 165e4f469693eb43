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
import type { Request, Response } from 'express';
import { OpsGuard, type AuthenticatedRequest } from '@switchyard/auth';
import { auditActor, type MigrationRunRecord } from '@switchyard/control-plane';
import { anyObject } from '../control-plane.schemas';
import { ApiDoc, streamEvents, ZodValidationPipe } from '@switchyard/http';
import { MigrationRunsService, MigrationStatusService } from '@switchyard/migrations';
import type { z } from 'zod';
import { Audited } from '../audit/audited.decorator';
import { runId, startRunBody, statusQuery } from './migrations.schemas';

/** A run whose heartbeat stopped was interrupted (its process died); a re-run finishes the work. */
const HEARTBEAT_GRACE_MS = 30_000;

function runView(run: MigrationRunRecord) {
  const interrupted = run.status === 'running' && Date.now() - run.heartbeatAt.getTime() > HEARTBEAT_GRACE_MS;
  return {
    id: run.id,
    status: interrupted ? 'interrupted' : run.status,
    options: run.options,
    requestedBy: run.requestedBy,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    progress: { done: run.targetsDone, total: run.targetsTotal },
    waves: run.waves ?? [],
    summary: run.summary,
    results: run.results,
    error: run.error,
  };
}

@Controller('v1/migrations')
@UseGuards(OpsGuard)
export class MigrationsController {
  constructor(
    private readonly status: MigrationStatusService,
    private readonly runs: MigrationRunsService,
  ) {}

  /** Every target: tier, tenant, applied and latest version, status; with a summary per tier. */
  @Get()
  @ApiDoc({
    summary: 'Every migration target with its applied and latest version, and a summary per tier',
    response: anyObject,
    errors: ['TENANT_NOT_FOUND'],
  })
  async list(@Query(new ZodValidationPipe(statusQuery, 'query')) query: z.infer<typeof statusQuery>) {
    const result = await this.status.status({
      tiers: query.tier ? [query.tier] : undefined,
      tenants: query.tenant ? [query.tenant] : undefined,
    });
    return query.status ? { ...result, targets: result.targets.filter((t) => t.status === query.status) } : result;
  }

  @Post('runs')
  @UseInterceptors(IdempotencyInterceptor)
  @ApiDoc({
    summary: 'Start a fleet migration run (tiers, canary, concurrency, dry run)',
    response: anyObject,
    headers: [IDEMPOTENCY_KEY_DOC],
    errors: ['IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_KEY_IN_USE', 'MIGRATION_DRIFT', 'MIGRATION_OUT_OF_ORDER'],
  })
  @HttpCode(202)
  @Audited({ action: 'migration.run' })
  async start(
    @Body(new ZodValidationPipe(startRunBody, 'body')) body: z.infer<typeof startRunBody>,
    @Req() request: AuthenticatedRequest,
  ) {
    return runView(await this.runs.start(body, auditActor(request.user?.sub)));
  }

  @Get('runs')
  @ApiDoc({ summary: 'Recent migration runs', response: anyObject })
  async recent() {
    return { items: (await this.runs.recent()).map((r) => ({ ...runView(r), results: undefined })) };
  }

  @Get('runs/:id')
  @ApiDoc({
    summary: 'One migration run with its results per target',
    response: anyObject,
    errors: ['MIGRATION_RUN_NOT_FOUND'],
  })
  async get(@Param('id', new ZodValidationPipe(runId, 'id')) id: string) {
    return runView(await this.runs.get(id));
  }

  /** Live progress for the console: the run now, then every change, until it has finished. */
  @Get('runs/:id/events')
  @ApiDoc({
    summary: 'A migration run’s progress as Server-Sent Events, until it finishes',
    response: anyObject,
    stream: '`event: run` with the run (as GET /v1/migrations/runs/{id}) at every change; `event: end` once finished',
    errors: ['MIGRATION_RUN_NOT_FOUND'],
  })
  async events(
    @Param('id', new ZodValidationPipe(runId, 'id')) id: string,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const read = async () => runView(await this.runs.get(id));
    await streamEvents(request, response, await read(), {
      event: 'run',
      read,
      finished: (run) => run.status !== 'running',
      intervalMs: 500,
    });
  }
}
