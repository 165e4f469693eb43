/** Gives back a permit taken with `Permits.acquire`; calling it more than once gives back once. */
export type Release = () => void;

interface Waiter {
  grant: (release: Release) => void;
  timer: NodeJS.Timeout;
}

/**
 * A counting semaphore whose waiters queue first come, first served and give up after a bounded time.
 * The building block of the connection budget (permits = connections to a server) and of the fair
 * shares (permits = connections one tenant may hold of a pool).
 */
export class Permits {
  private used = 0;
  private readonly waiters: Waiter[] = [];

  constructor(private limit: number) {}

  get size(): number {
    return this.limit;
  }

  get inUse(): number {
    return this.used;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  /** Takes a permit now if one is free; undefined otherwise. */
  tryAcquire(): Release | undefined {
    if (this.used >= this.limit) return undefined;
    this.used++;
    return this.releaser();
  }

  /**
   * Takes a permit, waiting at most `waitMs` in line; then rejects with `timeoutError()`. `onQueued` runs
   * when the caller has to wait (for instance to free capacity elsewhere).
   */
  acquire(waitMs: number, timeoutError: () => Error, onQueued?: () => void): Promise<Release> {
    const now = this.tryAcquire();
    if (now) return Promise.resolve(now);
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = {
        grant: (release) => {
          clearTimeout(waiter.timer);
          resolve(release);
        },
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(timeoutError());
        }, waitMs),
      };
      this.waiters.push(waiter);
      onQueued?.();
    });
  }

  /** Changes the number of permits; waiters are let in at once if it grew. */
  resize(limit: number): void {
    this.limit = limit;
    this.admit();
  }

  private releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used--;
      this.admit();
    };
  }

  private admit(): void {
    while (this.used < this.limit) {
      const next = this.waiters.shift();
      if (!next) return;
      this.used++;
      next.grant(this.releaser());
    }
  }
}
