import { Anchor, Button, SegmentedControl, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { actions, resources, streams } from '../api';
import type { MigrationRun, RunOptions, TargetReport, Tier } from '../api-types';
import { Loading } from '../components/Loading';
import { PageHeader } from '../components/PageHeader';
import { ProblemAlert } from '../components/ProblemAlert';
import { RunProgress } from '../components/RunProgress';
import { RunResultsTable } from '../components/RunResultsTable';
import { Section } from '../components/Section';
import { formatDateTime } from '../format';
import { useLiveResource } from '../sse';

const runFinished = (run: MigrationRun) => run.status !== 'running';

/**
 * A run for what failed: the failed tenants when every failed target is a tenant's, else the failed
 * targets' tiers (a re-run applies only what is missing, and retries what failed).
 */
function retryOptions(failed: TargetReport[], previous: RunOptions | null): RunOptions {
  const tiers = [...new Set(failed.map((t) => t.tier))] as Tier[];
  const tenants = failed.map((t) => t.tenant);
  const base = { canary: previous?.canary, concurrency: previous?.concurrency };
  return tenants.every((t): t is string => t !== null)
    ? { ...base, tenants: [...new Set(tenants)] }
    : { ...base, tiers };
}

export function MigrationRunPage() {
  const { id = '' } = useParams();
  return <LiveRun key={id} id={id} />;
}

type Filter = 'failed' | 'all';

function LiveRun({ id }: { id: string }) {
  const navigate = useNavigate();
  const live = useLiveResource({
    path: resources.run(id).path,
    stream: streams.run(id),
    event: 'run',
    finished: runFinished,
  });
  const [filter, setFilter] = useState<Filter>('failed');
  const [retrying, setRetrying] = useState(false);
  const [retryError, setRetryError] = useState<unknown>();
  const run = live.data;

  if (!run)
    return (
      <>
        <PageHeader title="Migration run" />
        <ProblemAlert error={live.error} />
        {!live.error && <Loading label="Loading the run" />}
      </>
    );

  const results = run.results ?? [];
  const failed = results.filter((t) => t.outcome === 'failed');
  const dryRun = run.options?.dryRun ?? false;

  const retry = () => {
    setRetrying(true);
    setRetryError(undefined);
    actions.startRun(retryOptions(failed, run.options)).then(
      (next) => navigate(`/migrations/runs/${next.id}`),
      (error: unknown) => {
        setRetrying(false);
        setRetryError(error);
      },
    );
  };

  return (
    <>
      <PageHeader
        title={dryRun ? 'Migration run (dry run)' : 'Migration run'}
        description={`Started ${formatDateTime(run.startedAt)} by ${run.requestedBy ?? 'unknown'}${
          run.finishedAt ? `, finished ${formatDateTime(run.finishedAt)}` : ''
        }`}
        actions={
          failed.length > 0 &&
          !dryRun && (
            <Button color="red" onClick={retry} loading={retrying} data-testid="run-retry">
              Retry failed ({failed.length})
            </Button>
          )
        }
      />
      <ProblemAlert error={retryError} title="The retry did not start" />
      <ProblemAlert error={live.error} />
      <Stack>
        <Section title="Progress">
          <RunProgress run={run} />
          <Text size="sm" mt="sm">
            <Anchor component={Link} to="/migrations">
              All migrations
            </Anchor>
          </Text>
        </Section>
        {runFinished(run) && (
          <Section
            title="Targets"
            action={
              <SegmentedControl
                aria-label="Which targets"
                size="xs"
                value={filter}
                onChange={(value) => setFilter(value as Filter)}
                data={[
                  { value: 'failed', label: `Failed (${failed.length})` },
                  { value: 'all', label: `All (${results.length})` },
                ]}
              />
            }
          >
            <RunResultsTable
              results={filter === 'failed' ? failed : results}
              caption={filter === 'failed' ? 'Failed targets and their errors' : 'Every target of the run'}
              testId={filter === 'failed' ? 'run-failed-targets' : 'run-targets'}
            />
          </Section>
        )}
      </Stack>
    </>
  );
}
