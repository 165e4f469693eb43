import { join } from 'node:path';
import { readEnvironment } from '@switchyard/config';
import { startEmbeddedPostgres } from '@switchyard/embedded';
import { freePort } from '@switchyard/testing';
import { startBenchInstallation, type BenchInstallation } from './bench-installation';

export type ProfileInstallation = BenchInstallation;

/**
 * A throwaway installation for the profiling tools: embedded PostgreSQL in `.switchyard/bench` (or
 * BENCH_DATABASE_URL), both apps initialised, everything dropped again by `close`.
 */
export async function startProfileInstallation(prefix: string): Promise<ProfileInstallation> {
  let url = readEnvironment().BENCH_DATABASE_URL;
  let stop = async (): Promise<unknown> => undefined;
  if (!url) {
    const pg = await startEmbeddedPostgres({
      dataDir: join(process.cwd(), '.switchyard', 'bench'),
      port: await freePort(),
    });
    url = pg.url;
    stop = pg.stop;
  }
  const installation = await startBenchInstallation(url, prefix);
  return {
    ...installation,
    close: async () => {
      await installation.close();
      await stop();
    },
  };
}
