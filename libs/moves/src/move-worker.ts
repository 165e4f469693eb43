import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SwitchyardConfig } from '@switchyard/config';
import { MovesRepository } from '@switchyard/control-plane';
import { MoveRunner } from './move-runner';

const POLL_MS = 500;

/**
 * The control-plane process's background worker: runs moves requested through the API, takes over
 * moves whose worker died (stale heartbeat), and removes old data whose retention has passed.
 */
@Injectable()
export class MoveWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(MoveWorker.name);
  private readonly running = new Set<string>();
  private timer?: NodeJS.Timeout;
  private ticking = false;

  constructor(
    private readonly config: SwitchyardConfig,
    private readonly moves: MovesRepository,
    private readonly runner: MoveRunner,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.moves.worker) this.timer = setInterval(() => void this.tick(), POLL_MS);
  }

  /**
   * First thing on shutdown, while the databases are still open: stop taking moves, and hand back the
   * ones running here (rolled back, pending again) for the next worker to run.
   */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.runner.stopAll(this.config.shutdownGraceMs);
  }

  /** Moves currently executing in this process. */
  busy(): string[] {
    return [...this.running];
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      for (const id of await this.moves.claimable(this.config.moves.staleMs)) {
        if (this.running.size >= this.config.moves.concurrency) break;
        if (this.running.has(id)) continue;
        this.running.add(id);
        void this.runner
          .execute(id)
          .catch((error: unknown) => this.logger.error(`move ${id}: ${error instanceof Error ? error.message : error}`))
          .finally(() => this.running.delete(id));
      }
      for (const move of await this.moves.dueCleanups()) {
        await this.runner
          .removeSource(move)
          .catch((error: unknown) =>
            this.logger.error(`cleanup of move ${move.id}: ${error instanceof Error ? error.message : error}`),
          );
      }
    } catch (error) {
      this.logger.warn(`move worker: ${error instanceof Error ? error.message : error}`);
    } finally {
      this.ticking = false;
    }
  }
}
