import { Injectable, type OnModuleInit } from '@nestjs/common';
import { MetricsRegistry } from '@switchyard/metrics';
import { PoolRegistry } from '@switchyard/tenancy';

/** Connection-pool gauges, aggregated by pool kind (a per-database label would name tenants). */
@Injectable()
export class PoolMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsRegistry,
    private readonly pools: PoolRegistry,
  ) {}

  onModuleInit(): void {
    const byKind = () => {
      const totals = new Map<string, { pools: number; total: number; idle: number; waiting: number }>();
      for (const kind of ['shared', 'tenant-database']) totals.set(kind, { pools: 0, total: 0, idle: 0, waiting: 0 });
      for (const s of this.pools.stats()) {
        const t = totals.get(s.kind)!;
        t.pools++;
        t.total += s.total;
        t.idle += s.idle;
        t.waiting += s.waiting;
      }
      return totals;
    };
    this.metrics.gauge('switchyard_pools', 'Open application-role pools, by kind', ['kind'], () =>
      [...byKind()].map(([kind, t]) => [{ kind }, t.pools]),
    );
    this.metrics.gauge(
      'switchyard_pool_connections',
      'Application-role connections, by pool kind and state',
      ['kind', 'state'],
      () =>
        [...byKind()].flatMap(([kind, t]) => [
          [{ kind, state: 'open' }, t.total],
          [{ kind, state: 'idle' }, t.idle],
        ]),
    );
    this.metrics.gauge(
      'switchyard_pool_waiting_requests',
      'Requests waiting for a connection, by pool kind',
      ['kind'],
      () => [...byKind()].map(([kind, t]) => [{ kind }, t.waiting]),
    );
  }
}
