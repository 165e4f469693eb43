import { Logger } from '@nestjs/common';
import { Client } from 'pg';

/** The channel the control-plane database notifies on (a trigger on tenants and placements). */
export const PLACEMENT_CHANNEL = 'switchyard_placements';

const MIN_RETRY_MS = 100;
const MAX_RETRY_MS = 2_000;
/** A listener that stops answering is noticed within PING_MS + QUERY_TIMEOUT_MS and replaced. */
const PING_MS = 5_000;
const QUERY_TIMEOUT_MS = 5_000;

export interface ListenerEvents {
  /** A tenant's placement or status changed (the payload is its id). */
  message(tenantId: string): void;
  /** (Re)connected: changes made while nobody listened are unknown, so everything cached is suspect. */
  connected(): void;
}

/**
 * LISTEN on the control-plane database, on a dedicated connection that is re-established with backoff
 * whenever it fails; a trigger there notifies every placement or status change in the transaction that
 * makes it, so no writer can forget to. It connects directly to the server (never through a
 * transaction-mode pooler, which cannot keep a LISTEN).
 */
export class PostgresListener {
  private readonly logger = new Logger(PostgresListener.name);
  private client?: Client;
  private closed = false;
  private retryMs = MIN_RETRY_MS;
  private retryTimer?: NodeJS.Timeout;
  private pingTimer?: NodeJS.Timeout;
  private listening = false;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly url: string,
    private readonly events: ListenerEvents,
  ) {}

  start(): void {
    void this.connect();
  }

  /** Resolves once a LISTEN is in place. */
  ready(): Promise<void> {
    if (this.listening) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  get isListening(): boolean {
    return this.listening;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    this.listening = false;
    await this.client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new Client({
      connectionString: this.url,
      application_name: 'switchyard-invalidations',
      keepAlive: true,
      connectionTimeoutMillis: QUERY_TIMEOUT_MS,
      query_timeout: QUERY_TIMEOUT_MS,
    });
    this.client = client;
    let lost = false;
    const onLost = (why: string) => {
      if (lost) return;
      lost = true;
      this.listening = false;
      clearInterval(this.pingTimer);
      void client.end().catch(() => undefined);
      if (this.closed) return;
      this.logger.warn(`placement invalidations: ${why}; reconnecting in ${this.retryMs} ms`);
      this.retryTimer = setTimeout(() => void this.connect(), this.retryMs);
      this.retryMs = Math.min(MAX_RETRY_MS, this.retryMs * 2);
    };
    client.on('error', (error) => onLost(error.message));
    client.on('end', () => onLost('connection closed'));
    client.on('notification', (message) => {
      if (message.channel === PLACEMENT_CHANNEL && message.payload) this.events.message(message.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${PLACEMENT_CHANNEL}`);
    } catch (error) {
      onLost(error instanceof Error ? error.message : String(error));
      return;
    }
    if (lost || this.closed) return;
    this.listening = true;
    this.retryMs = MIN_RETRY_MS;
    this.events.connected();
    for (const resolve of this.waiters.splice(0)) resolve();
    this.pingTimer = setInterval(() => {
      client
        .query('SELECT 1')
        .catch((error: unknown) => onLost(error instanceof Error ? error.message : String(error)));
    }, PING_MS).unref();
  }
}
