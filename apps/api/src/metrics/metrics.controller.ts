import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiDoc } from '@switchyard/http';
import { MetricsRegistry } from '@switchyard/metrics';
import type { Response } from 'express';

/** Prometheus scrape endpoint. Unauthenticated: its labels carry no tenant identity. */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsRegistry) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiDoc({ summary: 'Prometheus metrics (no tenant identity in any label)', public: true })
  async scrape(@Res() res: Response): Promise<void> {
    res.type(this.metrics.contentType).send(await this.metrics.render());
  }
}
