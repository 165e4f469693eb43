import { Logger } from '@nestjs/common';
import { Client, type ClientConfig } from 'pg';

const logger = new Logger('OwnerConnection');

/**
 * Runs `fn` on a short-lived owner connection. Used for DDL that cannot share a pool: CREATE DATABASE,
 * provisioning, migrations. Never used on a request path.
 */
export async function withOwnerClient<T>(
  url: string,
  fn: (client: Client) => Promise<T>,
  options: Partial<ClientConfig> = {},
): Promise<T> {
  const client = new Client({ connectionString: url, application_name: 'switchyard-owner', ...options });
  // A connection the server drops emits 'error' on the client; unheard, it would end the process. The
  // query in flight (if any) fails with the same error, which is what `fn` sees.
  client.on('error', (error) => logger.warn(`owner connection: ${error.message}`));
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
