import { EventEmitter } from 'node:events';
import { Logger, type OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';

const CHANNEL = 'switchyard:placement-invalidations';

/**
 * Process-wide: the tenant API and the control-plane API may run in one process (`switchyard dev`),
 * each with its own Nest container, and a change made by one must be seen at once by the other.
 */
const processBus = new EventEmitter().setMaxListeners(0);

/**
 * Tells every placement cache that a tenant's placement or status changed. Always delivered in this
 * process; with REDIS_URL also published to, and received from, every other instance.
 */
export class PlacementInvalidations implements OnModuleDestroy {
  private readonly logger = new Logger(PlacementInvalidations.name);
  private publisher?: Redis;
  private subscriber?: Redis;

  /** `bus` is the process-wide one except in tests that stand for two separate processes. */
  constructor(
    redisUrl?: string,
    private readonly bus: EventEmitter = processBus,
  ) {
    if (redisUrl) this.connectRedis(redisUrl);
  }

  private connectRedis(url: string): void {
    this.publisher = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2 });
    this.subscriber = new Redis(url, { lazyConnect: false });
    for (const client of [this.publisher, this.subscriber]) {
      client.on('error', (error: Error) => this.logger.warn(`Redis: ${error.message}`));
    }
    this.subscriber.subscribe(CHANNEL).catch((error: Error) => this.logger.warn(`Redis subscribe: ${error.message}`));
    this.subscriber.on('message', (_channel: string, tenantId: string) => this.bus.emit('invalidate', tenantId));
  }

  /** Resolves when Redis (if any) is subscribed, so tests and readiness checks can wait for it. */
  async ready(): Promise<void> {
    if (!this.subscriber) return;
    if (this.subscriber.status !== 'ready') {
      await new Promise<void>((resolve, reject) => {
        this.subscriber!.once('ready', resolve);
        this.subscriber!.once('error', reject);
      });
    }
  }

  async publish(tenantId: string): Promise<void> {
    this.bus.emit('invalidate', tenantId);
    if (this.publisher) {
      await this.publisher.publish(CHANNEL, tenantId).catch((error: Error) => {
        this.logger.warn(`could not publish invalidation of ${tenantId}: ${error.message}`);
      });
    }
  }

  subscribe(listener: (tenantId: string) => void): () => void {
    this.bus.on('invalidate', listener);
    return () => this.bus.off('invalidate', listener);
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([this.publisher?.quit(), this.subscriber?.quit()].map((p) => p?.catch(() => undefined)));
  }
}
