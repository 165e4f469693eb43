import { Stack, Text } from '@mantine/core';
import { resources, streams } from '../api';
import type { MigrationRun } from '../api-types';
import { formatNumber } from '../format';
import { useLiveResource } from '../sse';
import { Loading } from './Loading';
import { ProblemAlert } from './ProblemAlert';
import { RunResultsTable } from './RunResultsTable';

const runFinished = (run: MigrationRun) => run.status !== 'running';

/** A dry run followed to its end: the targets and the migrations a real run would apply to each. */
export function RunPlan({ runId }: { runId: string }) {
  const live = useLiveResource({
    path: resources.run(runId).path,
    stream: streams.run(runId),
    event: 'run',
    finished: runFinished,
  });
  const run = live.data;
  if (!run || run.status === 'running')
    return (
      <>
        <ProblemAlert error={live.error} />
        {!live.error && <Loading label="Planning the run" />}
      </>
    );
  const targets = run.results ?? [];
  const planned = targets.filter((t) => t.outcome === 'planned');
  return (
    <Stack gap="sm" data-testid="run-plan">
      {run.error && <ProblemAlert error={new Error(run.error)} title="The preview failed" />}
      <Text size="sm" data-testid="run-plan-summary">
        {planned.length === 0
          ? `Nothing to do: all ${formatNumber(targets.length)} targets are current.`
          : `${formatNumber(planned.length)} of ${formatNumber(targets.length)} targets would be migrated` +
            (run.summary?.latest ? ` to ${run.summary.latest}.` : '.')}
      </Text>
      <RunResultsTable
        results={planned.length ? planned : targets}
        caption="The plan: targets and their pending migrations"
        testId="run-plan-table"
      />
    </Stack>
  );
}
