import { Controller, Get, UseGuards } from '@nestjs/common';
import { OpsGuard } from '@switchyard/auth';
import { ServersRepository, type ServerUsage } from '@switchyard/control-plane';

@Controller('v1/servers')
@UseGuards(OpsGuard)
export class ServersController {
  constructor(private readonly servers: ServersRepository) {}

  /** Registered PostgreSQL servers and how many tenants of each tier they hold. */
  @Get()
  async list(): Promise<{ items: ServerUsage[] }> {
    return { items: await this.servers.listWithUsage() };
  }
}
