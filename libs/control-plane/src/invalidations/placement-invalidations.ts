import { EventEmitter } from 'node:events';
import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { PostgresListener } from './postgres-listener';

const REDIS_CHANNEL = 'switchyard:placement-invalidations';

/**
 * Process-wide: the tenant API and the control-plane API may run in one process (`switchyard dev`),
 * each with its own Nest container, and a change made by one must be seen at once by the other.
 */
const processBus = new EventEmitter().setMaxListeners(0);

export interface InvalidationChannels {
  /** Control-plane database URL to LISTEN on (the default channel between processes). */
  listenUrl?: string;
  /** Redis, where configured: a second channel between processes. */
  redisUrl?: string;
}

export interface InvalidationListener {
  /** One tenant's placement or status changed. */
  tenant(tenantId: string): void;
  /** A channel reconnected and may have missed messages: drop everything. */
  all(): void;
}

/**
 * Tells every placement cache that a tenant's placement or status changed. Delivered at once in this
 * process; to every other process through PostgreSQL LISTEN/NOTIFY on the control-plane database (a
 * trigger there notifies every change in its own transaction) and, with REDIS_URL, through Redis too.
 * Channels are opened by the first subscriber, so a process without a placement cache (the CLI) holds
 * no listening connection. A channel that reconnects makes every cache start afresh.
 */
export class PlacementInvalidations implements OnApplicationShutdown {
  private readonly logger = new Logger(PlacementInvalidations.name);
  private publisher?: Redis;
  private subscriber?: Redis;
  private listener?: PostgresListener;
  private started = false;

  /** `bus` is the process-wide one except in tests that stand for two separate processes. */
  constructor(
    private readonly channels: InvalidationChannels = {},
    private readonly bus: EventEmitter = processBus,
  ) {
    if (channels.redisUrl) {
      this.publisher = new Redis(channels.redisUrl, { maxRetriesPerRequest: 2 });
      this.publisher.on('error', (error: Error) => this.logger.warn(`Redis: ${error.message}`));
    }
  }

  /** Resolves when every channel between processes is listening (tests, readiness). */
  async ready(): Promise<void> {
    this.startChannels();
    await Promise.all([this.listener?.ready(), this.redisReady()]);
  }

  /** True while every configured channel between processes is up. */
  get listening(): boolean {
    return (!this.listener || this.listener.isListening) && (!this.subscriber || this.subscriber.status === 'ready');
  }

  async publish(tenantId: string): Promise<void> {
    this.bus.emit('invalidate', tenantId);
    if (this.publisher) {
      await this.publisher.publish(REDIS_CHANNEL, tenantId).catch((error: Error) => {
        this.logger.warn(`could not publish invalidation of ${tenantId} to Redis: ${error.message}`);
      });
    }
  }

  subscribe(listener: InvalidationListener): () => void {
    this.startChannels();
    const one = (tenantId: string) => listener.tenant(tenantId);
    const all = () => listener.all();
    this.bus.on('invalidate', one);
    this.bus.on('invalidate-all', all);
    return () => {
      this.bus.off('invalidate', one);
      this.bus.off('invalidate-all', all);
    };
  }

  private startChannels(): void {
    if (this.started) return;
    this.started = true;
    const events = {
      message: (tenantId: string) => this.bus.emit('invalidate', tenantId),
      connected: () => this.bus.emit('invalidate-all'),
    };
    if (this.channels.listenUrl) {
      this.listener = new PostgresListener(this.channels.listenUrl, events);
      this.listener.start();
    }
    if (this.channels.redisUrl) {
      this.subscriber = new Redis(this.channels.redisUrl);
      this.subscriber.on('error', (error: Error) => this.logger.warn(`Redis: ${error.message}`));
      // ioredis resubscribes after a reconnect; what was published meanwhile is lost.
      this.subscriber.on('ready', events.connected);
      this.subscriber.on('message', (_channel: string, tenantId: string) => events.message(tenantId));
      this.subscriber
        .subscribe(REDIS_CHANNEL)
        .catch((error: Error) => this.logger.warn(`Redis subscribe: ${error.message}`));
    }
  }

  private async redisReady(): Promise<void> {
    const subscriber = this.subscriber;
    if (!subscriber || subscriber.status === 'ready') return;
    await new Promise<void>((resolve) => subscriber.once('ready', () => resolve()));
  }

  async onApplicationShutdown(): Promise<void> {
    const quit = async (client: Redis | undefined) => {
      if (client) await client.quit().catch(() => client.disconnect());
    };
    await Promise.all([this.listener?.close(), quit(this.publisher), quit(this.subscriber)]);
  }
}
