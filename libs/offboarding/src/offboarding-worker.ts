import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SwitchyardConfig } from '@switchyard/config';
import { OffboardingService } from './offboarding.service';

const POLL_MS = 1_000;

/**
 * The control plane's offboarding poller (with the move worker, MOVE_WORKER): erases tenants whose
 * grace period has passed, one at a time, and takes over erasures whose worker died. Safe with any
 * number of control planes: each offboarding is claimed by one UPDATE that skips rows others hold.
 */
@Injectable()
export class OffboardingWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OffboardingWorker.name);
  private timer?: NodeJS.Timeout;
  private current?: Promise<void>;
  private stopping = false;

  constructor(
    private readonly config: SwitchyardConfig,
    private readonly offboarding: OffboardingService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.moves.worker) this.timer = setInterval(() => this.tick(), POLL_MS);
  }

  /** Stops polling; an erasure under way may finish within SHUTDOWN_GRACE_MS, or is taken over later. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.current,
      new Promise((resolve) => (timer = setTimeout(resolve, this.config.shutdownGraceMs))),
    ]);
    clearTimeout(timer);
  }

  private tick(): void {
    if (this.current) return;
    this.current = this.drain()
      .catch((error: unknown) =>
        this.logger.warn(`offboarding worker: ${error instanceof Error ? error.message : error}`),
      )
      .finally(() => (this.current = undefined));
  }

  private async drain(): Promise<void> {
    while (!this.stopping && (await this.offboarding.runDue()));
  }
}
