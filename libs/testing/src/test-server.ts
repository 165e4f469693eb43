import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename, join } from 'node:path';
import { withOwnerClient } from '@switchyard/postgres';

const RUN_DIR = /^run-(\d+)(-[a-z0-9]+)?$/;
const RUN_NAME = /^syt_(\d+)_/;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Until process `pid` has ended (it is not our child: there is no exit event to wait for). After
 * `timeoutMs` it warns and returns: an unreaped process would look alive for ever.
 */
async function gone(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (alive(pid)) {
    if (Date.now() > deadline) return console.warn(`process ${pid} still there ${timeoutMs} ms after SIGQUIT`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function runDirectory(root: string, pid: number, suffix = ''): string {
  return join(root, `run-${pid}${suffix}`);
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Removes embedded test clusters of runs that are gone (a crashed run may leave its postmaster behind:
 * it is stopped first). With `includeLive`, `root` is itself one run's folder and is removed.
 */
export async function removeStaleClusters(root: string, options: { includeLive?: boolean } = {}): Promise<void> {
  if (!existsSync(root)) return;
  const dirs = options.includeLive
    ? [root]
    : readdirSync(root)
        .filter((name) => RUN_DIR.test(name) && !alive(Number(RUN_DIR.exec(name)![1])))
        .map((name) => join(root, name));
  for (const dir of dirs) {
    const pidFile = join(dir, 'pg', 'postmaster.pid');
    if (!options.includeLive && existsSync(pidFile)) {
      const postmaster = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
      if (postmaster > 0 && alive(postmaster)) {
        process.kill(postmaster, 'SIGQUIT');
        await gone(postmaster, 10_000);
      }
    }
    if (RUN_DIR.test(basename(dir))) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * On an external test server, drops the databases and roles of test runs that are gone. Names carry the
 * run's process id (`syt_<pid>_…`), so a live concurrent run is never touched.
 */
export async function dropStaleInstallations(url: string): Promise<void> {
  const stale = (name: string) => {
    const match = RUN_NAME.exec(name);
    return match !== null && !alive(Number(match[1]));
  };
  await withOwnerClient(url, async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'syt\\_%'",
    );
    for (const { datname } of rows.filter((r) => stale(r.datname))) {
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    const roles = await client.query<{ rolname: string }>("SELECT rolname FROM pg_roles WHERE rolname LIKE 'syt\\_%'");
    for (const { rolname } of roles.rows.filter((r) => stale(r.rolname)))
      await client.query(`DROP ROLE IF EXISTS "${rolname}"`);
  });
}
