import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import type { BudgetBenchResult, NoisyBenchResult, SchemaFleetBenchResult } from './scenarios/capacity-scenario';
import type { MoveBenchResult } from './scenarios/move-scenario';
import type { ConsoleBenchResult } from './scenarios/console-scenario';
import type { ArchiveBenchResult } from './scenarios/archive-scenario';

export interface BenchEntry {
  scenario: string;
  tier: string;
  concurrency: number;
  opsPerSec: number;
  baselineOpsPerSec: number;
  /** routed ÷ bare */
  ratio: number;
  naiveOpsPerSec?: number;
  /** naive ÷ bare: the floor the router must beat. */
  naiveRatio?: number;
  /** The bare pool with statements prepared per connection, and routed ÷ that. */
  preparedBaselineOpsPerSec?: number;
  preparedRatio?: number;
  budget?: number;
}

export interface BenchReport {
  date: string;
  command: string;
  machine: { cpu: string; cores: number; memoryGiB: number; node: string; postgres: string };
  fixture: Record<string, number>;
  measurement: Record<string, number>;
  entries: BenchEntry[];
  placement: { warmMedianUs: number; coldMedianUs: number; coldP99Us: number; budgetWarmUs: number };
  /** The read fence's cost per checkout (context statement with and without it), when measured. */
  fence?: { fencedUs: number; plainUs: number; costUs: number };
  /** From a commit on the control plane to another process's listener. */
  invalidation?: { medianMs: number; p99Ms: number; changes: number };
  fleet: { name: string; targets: number; seconds: number; perSecond: number; budgetSeconds?: number }[];
  moves: MoveBenchResult[];
  /** Many tenant databases on one connection budget, and a noisy neighbour in a shared cell. */
  capacity?: { budget: BudgetBenchResult; noisy: NoisyBenchResult; schemas: SchemaFleetBenchResult };
  /** The operator console's questions over many tenants. */
  console?: ConsoleBenchResult;
  /** A large tenant exported and imported, against bare COPY. */
  archive?: ArchiveBenchResult[];
  notes: string[];
}

export function machine(postgres: string): BenchReport['machine'] {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    postgres,
  };
}

const fmt = (n: number | undefined, digits = 0) =>
  n === undefined ? '–' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Seconds, with enough digits for sub-second figures (a single provisioning takes milliseconds). */
const fmtSeconds = (s: number) => fmt(s, s < 1 ? 3 : 1);

function verdict(e: BenchEntry): string {
  if (e.budget === undefined) return '';
  return e.ratio >= e.budget ? `≥ ${e.budget} ✓` : `≥ ${e.budget} ✗`;
}

export function renderTable(entries: BenchEntry[]): string {
  const lines = [
    '| scenario | tier | concurrency | routed ops/s | bare ops/s | ratio | budget | bare prepared ops/s | ratio to prepared | naive ops/s | naive ratio |',
    '| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |',
  ];
  for (const e of entries) {
    lines.push(
      `| ${e.scenario} | ${e.tier} | ${e.concurrency} | ${fmt(e.opsPerSec)} | ${fmt(e.baselineOpsPerSec)} | ${fmt(e.ratio, 2)} | ${verdict(e)} | ${fmt(e.preparedBaselineOpsPerSec)} | ${fmt(e.preparedRatio, 2)} | ${fmt(e.naiveOpsPerSec)} | ${fmt(e.naiveRatio, 2)} |`,
    );
  }
  return lines.join('\n');
}

export function writeReport(report: BenchReport, markdownPath: string, jsonPath: string): void {
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  const m = report.machine;
  const md = [
    '# Benchmarks',
    '',
    `Measured ${report.date} with \`${report.command}\` on ${m.cores} × ${m.cpu}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.postgres}.`,
    '',
    'Every figure is a ratio taken side by side in the same run: rounds alternate between the routed path',
    '(Switchyard: placement lookup, tenant context, RLS / search_path / tenant database), the **bare** baseline',
    '(the same SQL through a plain `pg` pool of the same size, connected as the owner: no router, no RLS; the',
    "budget's baseline), the same bare pool with each statement **prepared** per connection (a reference:",
    'the best a hand-written data layer could do) and the **naive** per-request transaction (`BEGIN`;',
    '`set_config`; query; `COMMIT`, one round trip each).',
    `Fixture: ${Object.entries(report.fixture)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}. Measurement: ${Object.entries(report.measurement)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}; figures are medians of rounds.`,
    '',
    '## Throughput',
    '',
    renderTable(report.entries),
    '',
    '## Placement resolution',
    '',
    `Warm cache: **${fmt(report.placement.warmMedianUs, 2)} µs** median per resolution (budget ≤ ${report.placement.budgetWarmUs} µs). ` +
      `Cold (control-plane read): ${fmt(report.placement.coldMedianUs)} µs median, ${fmt(report.placement.coldP99Us)} µs p99.`,
    '',
    ...(report.invalidation
      ? [
          '## Placement changes reaching another process',
          '',
          `From sending a change to the control plane (its commit included) to the callback of a listener on its own connection (LISTEN/NOTIFY, ` +
            `as every API process hears it), ${fmt(report.invalidation.changes)} changes one at a time: median **${fmt(report.invalidation.medianMs, 2)} ms**, ` +
            `p99 ${fmt(report.invalidation.p99Ms, 2)} ms (budget ≤ 1 s ${report.invalidation.p99Ms <= 1000 ? '✓' : '✗'}).`,
          '',
        ]
      : []),
    ...(report.fence
      ? [
          '## The read fence',
          '',
          `The tenant-context statement that also checks the location's read fence: **${fmt(report.fence.fencedUs, 1)} µs** per execution, ` +
            `against ${fmt(report.fence.plainUs, 1)} µs for the same statement without the check (prepared, one round trip each, c=1, ` +
            `alternating rounds): **${fmt(report.fence.costUs, 1)} µs** per checkout. The point-read rows above include it.`,
          '',
        ]
      : []),
    ...(report.fleet.length
      ? [
          '## Fleet: provisioning and migrations',
          '',
          '| what | targets | seconds | per second | budget |',
          '| --- | ---: | ---: | ---: | --- |',
          ...report.fleet.map(
            (f) =>
              `| ${f.name} | ${f.targets} | ${fmtSeconds(f.seconds)} | ${fmt(f.perSecond)} | ${f.budgetSeconds ? `≤ ${fmtSeconds(f.budgetSeconds)} s ${f.seconds <= f.budgetSeconds ? '✓' : '✗'}` : ''} |`,
          ),
          '',
        ]
      : []),
    ...(report.moves.length
      ? [
          '## Moves',
          '',
          'A tenant moved in each direction while a writer inserts through the router; budget: total ≤ 2× a bare COPY of the same rows, write freeze ≤ 500 ms p99.',
          '',
          '| direction | rows | move s | bare COPY s | ratio | freeze ms | writer p99 ms | writer max ms | writes (errors) |',
          '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
          ...report.moves.map(
            (m) =>
              `| ${m.from} → ${m.to}${m.via ? ` (${m.via})` : ''} | ${fmt(m.rows)} | ${fmt(m.moveSeconds, 1)} | ${fmt(m.bareCopySeconds, 1)} | ${fmt(m.ratio, 2)} ${m.ratio <= 2 ? '✓' : '✗'} | ${fmt(m.freezeMs)} | ${fmt(m.writerP99Ms)} ${m.writerP99Ms <= 500 ? '✓' : '✗'} | ${fmt(m.writerMaxMs)} | ${fmt(m.writes)} (${m.writeErrors}) |`,
          ),
          '',
        ]
      : []),
    ...(report.capacity ? capacitySection(report.capacity) : []),
    ...(report.console ? consoleSection(report.console) : []),
    ...(report.archive?.length ? archiveSection(report.archive) : []),
    ...(report.notes.length ? ['## Notes', '', ...report.notes.map((n) => `- ${n}`), ''] : []),
    'Machine-readable figures: `BENCHMARKS.json` (one entry per scenario × tier × concurrency with `opsPerSec`,',
    '`baselineOpsPerSec` and `ratio`).',
    '',
  ].join('\n');
  writeFileSync(markdownPath, md);
}

function capacitySection({ budget: b, noisy: n, schemas: s }: NonNullable<BenchReport['capacity']>): string[] {
  return [
    '## Capacity and fairness',
    '',
    `**Many tenant databases on one budget.** Point reads round-robin over ${fmt(b.tenants)} tenant databases through a ` +
      `process whose connection budget is ${b.budget}, against the same reads of one warm tenant database, ` +
      `c=${b.concurrency}, alternating rounds: p99 **${fmt(b.roundRobinP99Ms, 1)} ms** against ${fmt(b.warmP99Ms, 1)} ms, ` +
      `**${fmt(b.ratio, 2)}×** (budget ≤ 3× ${b.ratio <= 3 ? '✓' : '✗'}); peak ${b.peakConnections} application ` +
      `connections on the server, ${b.failures} failed reads. A bare client opening one connection per read over the ` +
      `same databases: p99 ${fmt(b.bareChurnP99Ms, 1)} ms — with ${b.budget} connections for ${fmt(b.tenants)} ` +
      `databases read in turn most reads need a new backend, whatever the pool does, so the budget's 3× is out of ` +
      `reach on a server that starts a backend in milliseconds.`,
    '',
    `**A noisy neighbour.** One shared-cell tenant floods summaries over ${fmt(n.heavyRows)} wellness entries with ` +
      `${n.heavyConcurrency} concurrent requests; its neighbours (a shared and a schema tenant of the same cell, ` +
      `${n.neighbourConcurrency} readers) read employees, with and without the flood in alternating rounds (each tenant ` +
      `may hold ${n.tenantConnections} of the cell's connections; shared cells run statements without parallel ` +
      `workers): neighbour ` +
      `p99 **${fmt(n.floodP99Ms, 1)} ms** under the flood against ${fmt(n.quietP99Ms, 1)} ms without, ` +
      `**${fmt(n.ratio, 2)}×** (budget ≤ 3× ${n.ratio <= 3 ? '✓' : '✗'}); ${n.neighbourFailures} failed neighbour ` +
      `reads. The heavy tenant was served ${fmt(n.heavyServed)} summaries and refused ${fmt(n.heavyRefused)} (503).`,
    '',
    `**Thousands of schema tenants.** Point reads round-robin over ${fmt(s.schemas)} schema tenants against the same ` +
      `reads over 10 of them, c=${s.concurrency}, alternating rounds after ${s.warmupPasses} warm-up passes over every ` +
      `schema: **${fmt(s.manyOpsPerSec)}** reads/s against ` +
      `${fmt(s.fewOpsPerSec)}, **${fmt(s.ratio, 2)}×** (budget ≥ 0.85× ${s.ratio >= 0.85 ? '✓' : '✗'}). Private memory ` +
      `of the ${s.backends} application backends: ${fmt(s.manyBackendMiB)} MiB after the round-robin against ` +
      `${fmt(s.fewBackendMiB)} MiB after the 10-tenant load (connections are replaced after ` +
      `${s.maxSchemasPerConnection} schemas).`,
    '',
  ];
}

function consoleSection(c: ConsoleBenchResult): string[] {
  return [
    '## The operator console at scale',
    '',
    `What the console's pages ask of the control-plane API over ${fmt(c.tenants)} tenants (control-plane rows of the ` +
      `shared tier; one in ten suspended, one in ten with a day of usage), ${c.requests} requests each, one at a time, ` +
      'through the control-plane app; budget on p95.',
    '',
    '| question | request | p50 ms | p95 ms | budget |',
    '| --- | --- | ---: | ---: | --- |',
    ...c.queries.map(
      (q) =>
        `| ${q.name} | \`${q.path}\` | ${fmt(q.p50Ms, 1)} | ${fmt(q.p95Ms, 1)} | ≤ ${fmt(q.budgetMs)} ms ${q.p95Ms <= q.budgetMs ? '✓' : '✗'} |`,
    ),
    '',
  ];
}

function archiveSection(results: ArchiveBenchResult[]): string[] {
  return [
    '## Tenant archives',
    '',
    'A tenant exported from the shared tier into an archive file (one snapshot: a COPY of each table in primary-key ' +
      'order with its digest, spooled, then written as a tar), and the file imported into a new ' +
      'database-tier tenant (verified whole, provisioned, loaded in one transaction with its digests checked, ' +
      'analysed), each against a bare COPY of the same rows (to a file, in the archive’s primary-key order; into an ' +
      'empty tenant of the same tier). Budget: ≤ 2× the bare COPY. The unordered column is a bare COPY of the ' +
      'rows as the scan finds them: the price of digests that are equal in every tier is the difference.',
    '',
    '| what | tier | rows | archive MiB | seconds | bare COPY s | ratio | unordered COPY s |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.map(
      (r) =>
        `| ${r.what} | ${r.tier} | ${fmt(r.rows)} | ${fmt(r.bytes / 2 ** 20, 1)} | ${fmtSeconds(r.seconds)} | ${fmtSeconds(r.bareCopySeconds)} | ${fmt(r.ratio, 2)} ${r.ratio <= 2 ? '✓' : '✗'} | ${r.unorderedCopySeconds === undefined ? '–' : fmtSeconds(r.unorderedCopySeconds)} |`,
    ),
    '',
  ];
}
