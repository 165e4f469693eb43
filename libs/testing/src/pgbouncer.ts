import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PGBOUNCER_BINARY = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'].find((p) => existsSync(p));

export interface RunningPgBouncer {
  port: number;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 5_000;
const STOP_TIMEOUT_MS = 5_000;

async function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => socket.end(() => resolve(true)));
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });
}

/**
 * A real PgBouncer in transaction mode in front of a PostgreSQL server, with a small server pool so
 * that many client connections share few server connections (what makes leaks visible).
 */
export async function startPgBouncer(options: {
  serverPort: number;
  port: number;
  users: Record<string, string>;
  poolSize?: number;
}): Promise<RunningPgBouncer> {
  if (!PGBOUNCER_BINARY) throw new Error('pgbouncer is not installed (apt-get install pgbouncer)');
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-pgbouncer-'));
  chmodSync(dir, 0o777);
  const userlist = Object.entries(options.users)
    .map(([user, password]) => `"${user}" "${password}"`)
    .join('\n');
  writeFileSync(join(dir, 'userlist.txt'), `${userlist}\n`, { mode: 0o644 });
  writeFileSync(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=127.0.0.1 port=${options.serverPort}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${options.port}`,
      'unix_socket_dir =',
      'pool_mode = transaction',
      'auth_type = trust',
      `auth_file = ${join(dir, 'userlist.txt')}`,
      `default_pool_size = ${options.poolSize ?? 2}`,
      'max_client_conn = 500',
      'ignore_startup_parameters = extra_float_digits,statement_timeout,options',
      `logfile = ${join(dir, 'pgbouncer.log')}`,
      `pidfile = ${join(dir, 'pgbouncer.pid')}`,
      '',
    ].join('\n'),
    { mode: 0o644 },
  );
  // PgBouncer refuses to run as root; -u drops to the postgres user.
  const args = process.getuid?.() === 0 ? ['-u', 'postgres', join(dir, 'pgbouncer.ini')] : [join(dir, 'pgbouncer.ini')];
  const child: ChildProcess = spawn(PGBOUNCER_BINARY, args, { stdio: 'ignore' });
  const ended = processEnd(child);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    // A clean shutdown, or a hard one if it hangs: either way it is gone before its folder is.
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await ended.finally(() => clearTimeout(timer));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await untilListening(options.port, ended, `pgbouncer (see ${dir}/pgbouncer.log)`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port: options.port, stop };
}

/** Resolves with how `child` ended (or why it never started); never rejects. */
function processEnd(child: ChildProcess): Promise<string> {
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ? `was killed by ${signal}` : `exited with ${code}`));
    child.once('error', (error) => resolve(`could not be started: ${error.message}`));
  });
}

/**
 * Until something accepts connections on `port`. A TCP port announces nothing, so it is tried every
 * 50 ms; the process ending first, or START_TIMEOUT_MS passing, fails at once with what happened.
 */
async function untilListening(port: number, ended: Promise<string>, what: string): Promise<void> {
  let outcome: string | undefined;
  void ended.then((how) => (outcome = how));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await listening(port))) {
    if (outcome) throw new Error(`${what} ${outcome} before listening on port ${port}`);
    if (Date.now() > deadline)
      throw new Error(`${what} was not listening on port ${port} after ${START_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
