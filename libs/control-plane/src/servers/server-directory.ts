import { Injectable } from '@nestjs/common';
import { SwitchyardConfig } from '@switchyard/config';
import { DomainError } from '@switchyard/errors';
import { serverAddress, withCredentials, withDatabase } from '@switchyard/postgres';

export const PRIMARY_SERVER = 'primary';

/**
 * Turns a registered server name into connection URLs. Credentials never live in the control-plane
 * database: the primary server's come from DATABASE_URL, the others' from EXTRA_SERVERS (the owner),
 * and APP_DB_USER/APP_DB_PASSWORD (the application role, on the primary optionally through a pooler
 * at APP_DB_HOST/APP_DB_PORT).
 */
@Injectable()
export class ServerDirectory {
  constructor(private readonly config: SwitchyardConfig) {}

  names(): string[] {
    return [PRIMARY_SERVER, ...this.config.extraServers.map((s) => s.name)];
  }

  address(server: string): { host: string; port: number } {
    return serverAddress(this.baseUrl(server));
  }

  /** Owner connection to the server's maintenance database (the one DATABASE_URL names). */
  maintenanceUrl(server: string): string {
    return this.baseUrl(server);
  }

  ownerUrl(server: string, database: string): string {
    return withDatabase(this.baseUrl(server), database);
  }

  /** Application-role connection straight to the server, bypassing any pooler (for LISTEN). */
  directAppUrl(server: string, database: string): string {
    return withCredentials(this.ownerUrl(server, database), this.config.names.appRole, this.config.appRolePassword);
  }

  /** Application-role connection; through the configured pooler (APP_DB_HOST) when there is one. */
  appUrl(server: string, database: string): string {
    const url = new URL(this.directAppUrl(server, database));
    const endpoint = server === PRIMARY_SERVER ? this.config.appEndpoint : undefined;
    if (endpoint) {
      url.hostname = endpoint.host;
      url.port = String(endpoint.port);
    }
    return url.toString();
  }

  private baseUrl(server: string): string {
    if (server === PRIMARY_SERVER) return this.config.databaseUrl;
    const extra = this.config.extraServers.find((s) => s.name === server);
    if (!extra) throw new DomainError('SERVER_NOT_FOUND', `No registered server ${JSON.stringify(server)}`);
    return extra.url;
  }
}
