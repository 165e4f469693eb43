import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** A gauge read at scrape time: one value per label combination. */
export type GaugeReading = [labels: Record<string, string>, value: number];

/**
 * The process's Prometheus registry: Node's default process metrics, the HTTP request histogram, and
 * gauges that read their values when scraped. Labels never carry tenant identity (ids, slugs, schema
 * or database names): the endpoint is unauthenticated, and per-tenant series would not scale either.
 */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'switchyard_' });
    this.httpDuration = new Histogram({
      name: 'switchyard_http_request_duration_seconds',
      help: 'HTTP requests by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
  }

  /** Registers a gauge whose readings come from `read` at every scrape. */
  gauge(name: string, help: string, labelNames: string[], read: () => GaugeReading[]): void {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [labels, value] of read()) this.set(labels, value);
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
