export { MetricsModule } from './metrics.module';
export { MetricsRegistry } from './metrics.registry';
export type { GaugeReading } from './metrics.registry';
export { httpMetrics } from './http-metrics.middleware';
