const NAME = /^[A-Za-z0-9_.]{1,40}$/;

/**
 * Which named statements one server connection keeps prepared, least recently used first out.
 *
 * A statement is keyed by its name and the search_path it runs under: PostgreSQL re-analyses a
 * prepared statement whenever the search_path differs from the one it was planned with, so a shared
 * connection serving many schema tenants keeps one prepared copy per schema instead of re-planning
 * on every checkout. The cap bounds the server memory this takes; an evicted statement is closed on
 * the server in the next round trip. Server-side names are short and unique per connection (`name#n`),
 * so they never reach PostgreSQL's 63-byte limit on statement names.
 *
 * A statement is prepared on its second use (under the same search_path) within a recent window, not
 * its first: reads spread round-robin over thousands of schemas would otherwise prepare, evict and
 * close a statement on nearly every checkout — more work and more server memory than sending it
 * unnamed — while a statement used again soon (the common case) is prepared from its second use on.
 */
export class StatementCache {
  private readonly entries = new Map<string, { server: string; generation: number }>();
  /** Keys used once recently and not prepared (yet); least recently seen first. */
  private readonly seenOnce = new Set<string>();
  private evicted: string[] = [];
  private sequence = 0;

  /**
   * `generation` is shared by every connection of a process: bumping it (after PostgreSQL refused a
   * statement whose result columns a migration changed) makes each connection prepare every statement
   * afresh on its next use, so one stale copy costs one retry, not one per connection and schema.
   */
  constructor(
    private readonly capacity: number,
    private readonly generation: StatementGeneration = new StatementGeneration(),
  ) {}

  /**
   * The server-side name of statement `name` under `searchPath` on this connection, or undefined for a
   * first use: send it unnamed.
   */
  serverName(name: string, searchPath: string): string | undefined {
    const key = `${name}\u0000${searchPath}`;
    const known = this.entries.get(key);
    if (known !== undefined) {
      // Map keeps insertion order: re-inserting marks the entry most recently used.
      this.entries.delete(key);
      if (known.generation === this.generation.current) {
        this.entries.set(key, known);
        return known.server;
      }
      this.evicted.push(known.server);
    }
    if (!NAME.test(name)) throw new Error(`Statement name "${name}" must match ${NAME}`);
    if (!this.seenOnce.delete(key) && known === undefined) {
      this.seenOnce.add(key);
      if (this.seenOnce.size > this.capacity) this.seenOnce.delete(this.seenOnce.values().next().value!);
      return undefined;
    }
    const server = `${name}#${this.sequence++}`;
    this.entries.set(key, { server, generation: this.generation.current });
    if (this.entries.size > this.capacity) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [string, { server: string }];
      this.entries.delete(oldestKey);
      this.evicted.push(oldest.server);
    }
    return server;
  }

  /** Server-side statements to close before anything else is sent; each is handed out once. */
  takeEvicted(): readonly string[] {
    if (this.evicted.length === 0) return NO_NAMES;
    const names = this.evicted;
    this.evicted = [];
    return names;
  }

  get size(): number {
    return this.entries.size;
  }
}

const NO_NAMES: readonly string[] = [];

/** A process-wide counter: statements prepared under an older value are prepared again. */
export class StatementGeneration {
  private value = 0;

  get current(): number {
    return this.value;
  }

  /** Every connection's prepared statements are outdated (a migration changed a result type). */
  bump(): void {
    this.value++;
  }
}
