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
import { ApiDoc, streamEvents, ZodValidationPipe } from '@switchyard/http';
import {
  MigrationRunsService,
  MigrationStatusService,
  type FleetRunOptions,
  type FleetProgress,
  type FleetReport,
  type TargetReport,
} from '@switchyard/migrations';
import type { JsonOf } from '../control-plane.responses';
import { fleetStatus, migrationRun, migrationRunList } from './migrations.responses';
import type { z } from 'zod';
import { Audited } from '../audit/audited.decorator';
import { runId, startRunBody, statusQuery } from './migrations.schemas';

type RunSummary = FleetReport['summary'] & Pick<FleetReport, 'stoppedByCanary' | 'latest' | 'controlPlane' | 'dryRun'>;

/** A run whose heartbeat stopped was interrupted (its process died); a re-run finishes the work. */
const HEARTBEAT_GRACE_MS = 30_000;

function runView(run: MigrationRunRecord) {
  const interrupted = run.status === 'running' && Date.now() - run.heartbeatAt.getTime() > HEARTBEAT_GRACE_MS;
  // The JSON columns hold what MigrationRunsService wrote: the options, the waves and the report.
  return {
    id: run.id,
    status: interrupted ? ('interrupted' as const) : run.status,
    options: run.options as FleetRunOptions,
    requestedBy: run.requestedBy,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    progress: { done: run.targetsDone, total: run.targetsTotal },
    waves: (run.waves ?? []) as FleetProgress['waves'],
    summary: run.summary as RunSummary | null,
    results: run.results as TargetReport[] | null,
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
    response: fleetStatus,
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
    response: migrationRun,
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
  @ApiDoc({ summary: 'Recent migration runs', response: migrationRunList })
  async recent() {
    return { items: (await this.runs.recent()).map((r) => ({ ...runView(r), results: undefined })) };
  }

  @Get('runs/:id')
  @ApiDoc({
    summary: 'One migration run with its results per target',
    response: migrationRun,
    errors: ['MIGRATION_RUN_NOT_FOUND'],
  })
  async get(@Param('id', new ZodValidationPipe(runId, 'id')) id: string) {
    return runView(await this.runs.get(id));
  }

  /** Live progress for the console: the run now, then every change, until it has finished. */
  @Get('runs/:id/events')
  @ApiDoc({
    summary: 'A migration run’s progress as Server-Sent Events, until it finishes',
    response: migrationRun,
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

// The documented schemas and the handlers must agree: this stops compiling when one changes alone.
type Served<K extends keyof MigrationsController> = JsonOf<Awaited<ReturnType<MigrationsController[K]>>>;
export const migrationsMatchSchemas: [
  (v: Served<'list'>) => z.infer<typeof fleetStatus>,
  (v: Served<'start'>) => z.infer<typeof migrationRun>,
  (v: Served<'recent'>) => z.infer<typeof migrationRunList>,
  (v: Served<'get'>) => z.infer<typeof migrationRun>,
] = [(v) => v, (v) => v, (v) => v, (v) => v];
