import { DomainError } from '@switchyard/errors';
import { Client, type ClientConfig } from 'pg';
import type { Permits } from './permits';

export interface BudgetSource {
  /** The permits for connections from this process to the pool's server. */
  permits(): Promise<Permits>;
  /**
   * A new connection may take this long in all (pg-pool gives up on it then): at most half of it
   * waiting for a permit (then DATABASE_BUSY), the rest for the server to accept it.
   */
  connectTimeoutMs: number;
  /** Called when a connection has to wait: free idle connections to the same server. */
  relieve(): void;
  server: string;
}

type ConnectCallback = (err: Error | null, client?: Client) => void;

/**
 * A pg Client that opens its connection only with a permit of its server's connection budget and gives
 * the permit back when the connection ends, whatever ends it (release, idle timeout, maximum lifetime,
 * a dropped connection). A pool built with it can therefore never push its server past the budget,
 * however many pools share the server.
 */
export function budgetedClient(source: BudgetSource): new (config?: string | ClientConfig) => Client {
  const half = Math.max(1, Math.floor(source.connectTimeoutMs / 2));
  return class BudgetedClient extends Client {
    constructor(config?: string | ClientConfig) {
      super(typeof config === 'string' ? config : { ...config, connectionTimeoutMillis: half });
      // pg-pool hears a client's errors only from its connect callback on, and this connect answers it a
      // few microtasks after the server's ReadyForQuery. A server that ends the connection right then
      // (pg_terminate_backend, shutdown) can put its FATAL in the same packet: unheard, that 'error'
      // would end the process. Hearing it is enough: the client is marked dead and pg-pool drops it.
      this.on('error', () => undefined);
    }

    override connect(): Promise<Client>;
    override connect(callback: ConnectCallback): void;
    override connect(callback?: ConnectCallback): Promise<Client> | void {
      const connected = this.admit().then(async (release) => {
        this.once('end', release);
        try {
          return await super.connect();
        } catch (error) {
          release();
          throw error;
        }
      });
      if (!callback) return connected;
      connected.then(
        (client) => callback(null, client),
        (error: Error) => callback(error),
      );
    }

    private async admit(): Promise<() => void> {
      const permits = await source.permits();
      const release = await permits.acquire(
        half,
        () => exhausted(source.server),
        () => source.relieve(),
      );
      // pg-pool destroys the socket of a client that took too long; it cannot connect any more.
      if (this.connection.stream.destroyed) {
        release();
        throw exhausted(source.server);
      }
      return release;
    }
  };
}

function exhausted(server: string): DomainError {
  return new DomainError('DATABASE_BUSY', `The connection budget for server ${server} is in use; retry shortly`, {
    retryAfterSeconds: 1,
  });
}
