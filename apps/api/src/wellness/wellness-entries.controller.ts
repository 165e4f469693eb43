import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  Res,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { IDEMPOTENCY_KEY_DOC, IdempotencyInterceptor } from '@switchyard/idempotency';
import { ApiDoc, ifMatchPrecondition, taggedResponse, ZodValidationPipe, type SerializedJson } from '@switchyard/http';
import { WellnessService, type Page, type WellnessEntry, type WellnessSummaryRow } from '@switchyard/tenant-data';
import type { Response } from 'express';
import type { z } from 'zod';
import {
  createEntryBody,
  listEntriesQuery,
  pageOf,
  summaryQuery,
  summaryResponse,
  uuidSchema,
  wellnessEntryResponse,
} from '../api.schemas';
import { TenantGuard } from '../tenant/tenant.guard';

const idPipe = new ZodValidationPipe(uuidSchema, 'id');

@Controller('v1/wellness-entries')
@UseGuards(TenantGuard)
export class WellnessEntriesController {
  constructor(private readonly wellness: WellnessService) {}

  @Get()
  @ApiDoc({
    summary: 'List wellness entries, newest day first, by employee and period',
    response: pageOf(wellnessEntryResponse),
  })
  list(
    @Query(new ZodValidationPipe(listEntriesQuery, 'query')) query: z.infer<typeof listEntriesQuery>,
  ): Promise<Page<WellnessEntry>> {
    const { limit, cursor, ...filter } = query;
    return this.wellness.list(filter, limit, cursor);
  }

  @Post()
  @HttpCode(201)
  @ApiDoc({
    summary: 'Log a wellness entry for an employee',
    description: 'Values by kind: steps 0–200000, sleep_hours 0–24, water_ml 0–20000, mood 1–10, minutes 0–1440.',
    response: wellnessEntryResponse,
    errors: ['EMPLOYEE_NOT_FOUND', 'IDEMPOTENCY_KEY_REUSED', 'IDEMPOTENCY_KEY_IN_USE'],
    headers: [IDEMPOTENCY_KEY_DOC],
  })
  @UseInterceptors(IdempotencyInterceptor)
  create(
    @Body(new ZodValidationPipe(createEntryBody, 'body')) body: z.infer<typeof createEntryBody>,
  ): Promise<WellnessEntry> {
    return this.wellness.create(body);
  }

  @Get(':id')
  @ApiDoc({
    summary: 'Read a wellness entry (with its ETag; If-None-Match answers 304 when unchanged)',
    response: wellnessEntryResponse,
    errors: ['WELLNESS_ENTRY_NOT_FOUND'],
    conditional: 'read',
  })
  async get(
    @Param('id', idPipe) id: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SerializedJson<WellnessEntry> | undefined> {
    return taggedResponse(response, await this.wellness.get(id), ifNoneMatch);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiDoc({
    summary: 'Remove a wellness entry (If-Match: only if unchanged since read)',
    errors: ['WELLNESS_ENTRY_NOT_FOUND', 'PRECONDITION_FAILED'],
    conditional: 'write',
  })
  delete(@Param('id', idPipe) id: string, @Headers('if-match') ifMatch: string | undefined): Promise<void> {
    return this.wellness.delete(id, ifMatchPrecondition(ifMatch));
  }
}

@Controller('v1/wellness-summary')
@UseGuards(TenantGuard)
export class WellnessSummaryController {
  constructor(private readonly wellness: WellnessService) {}

  @Get()
  @ApiDoc({ summary: 'Count, total and average of each kind over a period', response: summaryResponse })
  summary(
    @Query(new ZodValidationPipe(summaryQuery, 'query')) query: z.infer<typeof summaryQuery>,
  ): Promise<WellnessSummaryRow[]> {
    return this.wellness.summary(query);
  }
}
