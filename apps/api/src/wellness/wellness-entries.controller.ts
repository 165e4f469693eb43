import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ZodValidationPipe } from '@switchyard/http';
import { WellnessService, type Page, type WellnessEntry, type WellnessSummaryRow } from '@switchyard/tenant-data';
import type { z } from 'zod';
import { createEntryBody, listEntriesQuery, summaryQuery, uuidSchema } from '../api.schemas';
import { TenantGuard } from '../tenant/tenant.guard';

const idPipe = new ZodValidationPipe(uuidSchema, 'id');

@Controller('v1/wellness-entries')
@UseGuards(TenantGuard)
export class WellnessEntriesController {
  constructor(private readonly wellness: WellnessService) {}

  @Get()
  list(
    @Query(new ZodValidationPipe(listEntriesQuery, 'query')) query: z.infer<typeof listEntriesQuery>,
  ): Promise<Page<WellnessEntry>> {
    const { limit, cursor, ...filter } = query;
    return this.wellness.list(filter, limit, cursor);
  }

  @Post()
  @HttpCode(201)
  create(
    @Body(new ZodValidationPipe(createEntryBody, 'body')) body: z.infer<typeof createEntryBody>,
  ): Promise<WellnessEntry> {
    return this.wellness.create(body);
  }

  @Get(':id')
  get(@Param('id', idPipe) id: string): Promise<WellnessEntry> {
    return this.wellness.get(id);
  }

  @Delete(':id')
  @HttpCode(204)
  delete(@Param('id', idPipe) id: string): Promise<void> {
    return this.wellness.delete(id);
  }
}

@Controller('v1/wellness-summary')
@UseGuards(TenantGuard)
export class WellnessSummaryController {
  constructor(private readonly wellness: WellnessService) {}

  @Get()
  summary(
    @Query(new ZodValidationPipe(summaryQuery, 'query')) query: z.infer<typeof summaryQuery>,
  ): Promise<WellnessSummaryRow[]> {
    return this.wellness.summary(query);
  }
}
