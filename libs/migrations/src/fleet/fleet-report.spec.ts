import { describe, expect, it } from 'vitest';
import { summarise, type TargetOutcome, type TargetReport } from './fleet-report';
import type { TargetKind } from './fleet-targets';

const target = (kind: TargetKind, outcome: TargetOutcome, key = `${kind}-${outcome}`): TargetReport => ({
  key,
  kind,
  tier: kind === 'template' ? 'database' : kind,
  tenant: null,
  server: 'primary',
  database: 'db',
  schema: 'public',
  outcome,
  applied: [],
  pending: [],
  version: null,
});

const none = { applied: 0, current: 0, failed: 0, skipped: 0, planned: 0 };

describe('summarise', () => {
  it('counts every outcome of every kind, and the total', () => {
    const summary = summarise([
      target('shared', 'applied'),
      target('template', 'current'),
      target('schema', 'applied', 'a'),
      target('schema', 'applied', 'b'),
      target('schema', 'failed'),
      target('database', 'skipped'),
      target('database', 'planned'),
    ]);
    expect(summary).toEqual({
      total: { applied: 3, current: 1, failed: 1, skipped: 1, planned: 1 },
      shared: { ...none, applied: 1 },
      template: { ...none, current: 1 },
      schema: { ...none, applied: 2, failed: 1 },
      database: { ...none, skipped: 1, planned: 1 },
    });
  });

  it('has every kind and outcome at zero for no targets', () => {
    expect(summarise([])).toEqual({ total: none, shared: none, template: none, schema: none, database: none });
  });
});
