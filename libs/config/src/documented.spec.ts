import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { environmentSchema } from './config.schema';

const README = resolve(__dirname, '..', '..', '..', 'README.md');
const HEADER = /^\|\s*variable\s*\|\s*meaning\s*\|\s*default\s*\|\s*$/;

/**
 * Variables named in the first column of README.md's configuration tables: every table whose header
 * is `| variable | meaning | default |`. A cell may name several variables (`` `A`, `B` ``).
 */
function documentedVariables(markdown: string): string[] {
  const names: string[] = [];
  let inTable = false;
  for (const line of markdown.split('\n')) {
    if (HEADER.test(line)) {
      inTable = true;
      continue;
    }
    if (!inTable) continue;
    if (!line.startsWith('|')) {
      inTable = false;
      continue;
    }
    const firstCell = line.split('|')[1] ?? '';
    if (/^\s*-+\s*$/.test(firstCell)) continue; // the separator row
    names.push(...[...firstCell.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1] ?? ''));
  }
  return names;
}

describe('README.md documents the configuration', () => {
  const documented = documentedVariables(readFileSync(README, 'utf8'));
  const accepted = Object.keys(environmentSchema.shape);

  it('finds the configuration tables', () => {
    expect(documented.length).toBeGreaterThan(0);
  });

  it('lists every variable the schema accepts', () => {
    const missing = accepted.filter((name) => !documented.includes(name));
    expect(missing, `missing from README.md's configuration tables: ${missing.join(', ')}`).toEqual([]);
  });

  it('lists no variable the schema does not accept', () => {
    const unknown = documented.filter((name) => !accepted.includes(name));
    expect(unknown, `in README.md but not in config.schema.ts: ${unknown.join(', ')}`).toEqual([]);
  });

  it('lists each variable once', () => {
    const repeated = documented.filter((name, i) => documented.indexOf(name) !== i);
    expect(repeated, `listed more than once in README.md: ${repeated.join(', ')}`).toEqual([]);
  });
});
