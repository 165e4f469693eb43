import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The installed switchyard's version, from the first package.json above `from` (the same from src and dist). */
export function cliVersion(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? 'unknown';
    if (dirname(dir) === dir) return 'unknown';
  }
}
