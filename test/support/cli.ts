import { execFile, type ChildProcess } from 'node:child_process';
import { resolve, resolve as resolve_ } from 'node:path';
import { readEnvironment, type SwitchyardConfig } from '@switchyard/config';

const ROOT = resolve(__dirname, '..', '..');

/** The environment a user would give the CLI to reach this installation. */
export function cliEnv(config: SwitchyardConfig, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { PATH, HOME } = readEnvironment();
  return {
    PATH,
    HOME,
    DATABASE_URL: config.databaseUrl,
    JWT_SECRET: config.jwt.secret,
    SWITCHYARD_DB_PREFIX: config.names.controlDatabase.replace(/_control$/, ''),
    APP_DB_USER: config.names.appRole,
    APP_DB_PASSWORD: config.appRolePassword,
    LOG_LEVEL: 'error',
    ...extra,
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  killed: boolean;
}

/** Runs the built CLI; after `timeoutMs` it is killed with SIGKILL (as a crash would). */
export function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [resolve(ROOT, 'bin', 'switchyard.js'), ...args],
      { env, cwd: ROOT, timeout: timeoutMs, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        const failure = error as (Error & { code?: number; killed?: boolean }) | null;
        done({
          code: failure ? (typeof failure.code === 'number' ? failure.code : null) : 0,
          stdout,
          stderr,
          killed: Boolean(failure?.killed),
        });
      },
    );
  });
}

/** Starts the built CLI and returns at once, so a test can kill it at a moment of its choosing. */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; done: Promise<CliResult> } {
  let child!: ChildProcess;
  const done = new Promise<CliResult>((resolve) => {
    child = execFile(
      process.execPath,
      [resolve_(ROOT, 'bin', 'switchyard.js'), ...args],
      { env, cwd: ROOT },
      (error, stdout, stderr) => {
        const failure = error as (Error & { code?: number; killed?: boolean; signal?: string }) | null;
        resolve({
          code: failure ? (typeof failure.code === 'number' ? failure.code : null) : 0,
          stdout,
          stderr,
          killed: Boolean(failure?.killed || failure?.signal),
        });
      },
    );
  });
  return { child, done };
}
