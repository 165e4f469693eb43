import { Group, Progress, Stack, Text } from '@mantine/core';
import type { MigrationRun } from '../api-types';
import { formatNumber, percent } from '../format';
import { StateBadge } from './StateBadge';

function Bar({ label, done, total, failed }: { label: string; done: number; total: number; failed?: number }) {
  return (
    <Stack gap={2}>
      <Text size="sm">
        {label}: {formatNumber(done)} / {formatNumber(total)} targets
        {failed ? `, ${formatNumber(failed)} failed` : ''}
      </Text>
      <Progress value={percent(done, total)} color={failed ? 'red' : undefined} aria-label={`${label} progress`} />
    </Stack>
  );
}

/** How far a run is: per wave when the API reports waves, else targets done of all. */
export function RunProgress({ run }: { run: MigrationRun }) {
  return (
    <Stack gap="sm" data-testid="run-progress" data-status={run.status}>
      <Group gap="xs">
        <Text size="sm">Status:</Text>
        <StateBadge value={run.status} testId="run-status" />
        {run.summary?.dryRun && <StateBadge value="planned" />}
        {run.summary?.stoppedByCanary && (
          <Text size="sm" fw={600} c="red.9">
            The canary wave failed: the other targets were skipped.
          </Text>
        )}
      </Group>
      {run.waves?.length ? (
        run.waves.map((wave) => (
          <Bar key={wave.wave} label={`Wave ${wave.wave}`} done={wave.done} total={wave.total} failed={wave.failed} />
        ))
      ) : (
        <Bar
          label={run.progress.wave ? `All targets (now: ${run.progress.wave} wave)` : 'All targets'}
          done={run.progress.done}
          total={run.progress.total}
          failed={run.progress.failed}
        />
      )}
      {run.error && (
        <Text size="sm" c="red.9" data-testid="run-error">
          {run.error}
        </Text>
      )}
    </Stack>
  );
}
