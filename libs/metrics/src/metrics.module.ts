import { Module } from '@nestjs/common';
import { MetricsRegistry } from './metrics.registry';

@Module({ providers: [MetricsRegistry], exports: [MetricsRegistry] })
export class MetricsModule {}
