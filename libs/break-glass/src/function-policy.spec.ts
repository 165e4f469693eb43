import { describe, expect, it } from 'vitest';
import { functionCalls, refusedCall, type FunctionFacts } from './function-policy';
import { refusedPlan } from './plan-check';

const builtin = (name: string, more: Partial<FunctionFacts> = {}): [string, FunctionFacts] => [
  name,
  { name, catalogOnly: true, volatile: false, special: false, ...more },
];

const FACTS = new Map([
  builtin('count'),
  builtin('lower'),
  builtin('now'),
  builtin('generate_series'),
  builtin('pg_typeof'),
  builtin('set_config', { volatile: true }),
  builtin('current_setting'),
  builtin('query_to_xml', { volatile: true }),
  builtin('table_to_xml'),
  builtin('pg_stat_get_live_tuples'),
  builtin('to_regclass'),
  builtin('random', { volatile: true }),
  builtin('f', { catalogOnly: false }),
]);

describe('the functions a statement may call', () => {
  it('finds every call in a deparsed query, qualified or not, and not inside literals or quoted names', () => {
    const deparsed = ` SELECT count(*) OVER (ROWS BETWEEN length(set_config('a.b'::text, '1'::text, true)) PRECEDING AND CURRENT ROW) AS count,
      "Weird"(x), pg_catalog.lower(e.email) AS "lower(", 'now()'::text
     FROM ( VALUES (now())) v(a), employees e
    LIMIT length(set_config('switchyard.tenant_id'::text, '2'::text, true))`;
    // Keywords before a "(" (OVER, FROM, VALUES) and an alias's column list (v) come out too: they name no
    // function, and the policy lets through a name pg_proc does not know.
    expect(functionCalls(deparsed).map((c) => (c.schema ? `${c.schema}.${c.name}` : c.name))).toEqual([
      'count',
      'over',
      'length',
      'set_config',
      'Weird',
      'pg_catalog.lower',
      'from',
      'values',
      'now',
      'v',
      'length',
      'set_config',
    ]);
  });

  it.each(['count', 'lower', 'now', 'generate_series', 'pg_typeof', 'coalesce', 'v'])('lets %s() run', (name) => {
    expect(refusedCall({ schema: null, name }, FACTS)).toBeNull();
  });

  it.each([
    ['set_config', /tenant context/],
    ['current_setting', /tenant context/],
    ['query_to_xml', /runs SQL text/],
    ['table_to_xml', /runs SQL text/],
    ['pg_stat_get_live_tuples', /server internals/],
    ['to_regclass', /probes/],
    ['random', /VOLATILE/],
    ['f', /only built-in/],
  ])('refuses %s()', (name, reason) => {
    expect(refusedCall({ schema: null, name }, FACTS)).toMatch(reason);
  });

  it('refuses a call qualified with any schema but pg_catalog', () => {
    expect(refusedCall({ schema: 'public', name: 'lower' }, FACTS)).toMatch(/only built-in/);
    expect(refusedCall({ schema: 'pg_catalog', name: 'set_config' }, FACTS)).toMatch(/tenant context/);
  });
});

describe('the plan of a statement', () => {
  const plan = (node: object) => [{ Plan: node }];
  const scan = (schema: string, name: string) => ({ 'Node Type': 'Seq Scan', Schema: schema, 'Relation Name': name });
  const allowed = new Set(['employees', 'wellness_entries']);

  it('may read the tenant’s own tables, in sub-plans too', () => {
    const node = {
      'Node Type': 'Hash Join',
      Plans: [scan('t_a', 'employees'), { Plans: [scan('t_a', 'wellness_entries')] }],
    };
    expect(refusedPlan(plan(node), 't_a', allowed)).toBeNull();
  });

  it.each([
    [scan('t_b', 'employees'), /reads t_b.employees/],
    [scan('pg_catalog', 'pg_class'), /reads pg_catalog.pg_class/],
    [scan('t_a', 'switchyard_move_changes'), /reads t_a.switchyard_move_changes/],
    [
      { 'Node Type': 'Limit', Plans: [{ 'Node Type': 'Result', Plans: [scan('switchyard_meta', 'migrations')] }] },
      /switchyard_meta/,
    ],
    [{ 'Node Type': 'ModifyTable', Operation: 'Delete' }, /writes \(Delete\)/],
    [{ 'Node Type': 'LockRows', Plans: [scan('t_a', 'employees')] }, /locks rows/],
  ])('refuses %j', (node, reason) => {
    expect(refusedPlan(plan(node), 't_a', allowed)).toMatch(reason);
  });

  it('refuses what is not a plan', () => {
    expect(refusedPlan(null, 't_a', allowed)).toMatch(/no plan/);
  });
});
