import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { vi } from 'vitest';

const ROOT = resolve(__dirname, '..', '..');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A product process (an API, the control plane, `switchyard dev`) run from the build, as users run it. */
export interface ProductProcess {
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  exited: Promise<Exit>;
  /** Sends `signal` and waits for the process to end. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

/** Entry points of the built product, relative to the repository. */
export const ENTRY = {
  api: 'dist/apps/api/src/main.js',
  controlPlane: 'dist/apps/control-plane/src/main.js',
  cli: 'bin/switchyard.js',
} as const;

/**
 * Starts `node <entry> …args` with exactly `env` and waits until `readyUrl` answers 200 (a process that
 * exits first fails the wait, with its output).
 */
export async function startProcess(
  entry: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  readyUrl: string,
): Promise<ProductProcess> {
  const child = spawn(process.execPath, [resolve(ROOT, entry), ...args], {
    env,
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<Exit>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  let ended: Exit | undefined;
  void exited.then((exit) => (ended = exit));
  const running: ProductProcess = {
    child,
    output: () => output,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (!ended) child.kill(signal);
      return exited;
    },
  };
  try {
    await vi.waitFor(
      async () => {
        if (ended) throw new Error(`${entry} exited (${JSON.stringify(ended)}) before it was ready:\n${output}`);
        const res = await fetch(readyUrl);
        if (res.status !== 200) throw new Error(`${readyUrl}: ${res.status}`);
      },
      { timeout: 90_000, interval: 100 },
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return running;
}

/** JSON over HTTP to a product process. */
export async function http(
  method: string,
  url: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await fetch(url, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body: parsed };
}
