import { Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { resources } from '../api';
import type { Candidate } from '../api-types';
import { CandidatesTable } from '../components/CandidatesTable';
import { Loading } from '../components/Loading';
import { MoveDialog } from '../components/MoveDialog';
import { PageHeader } from '../components/PageHeader';
import { ProblemAlert } from '../components/ProblemAlert';
import { Section } from '../components/Section';
import { ThresholdsList } from '../components/ThresholdsList';
import { useResource } from '../hooks/useResource';

/** Tenants that have outgrown their tier, furthest first, each with a one-click move to the suggestion. */
export function CandidatesPage() {
  const { data, error, reload } = useResource(resources.candidates(50));
  const [moving, setMoving] = useState<Candidate>();
  const since = data?.windowHours ? ` over the last ${data.windowHours} hours` : '';

  return (
    <>
      <PageHeader
        title="Upgrade candidates"
        description={`Tenants past their tier's limits${since}, ranked by how far past they are.`}
      />
      <ProblemAlert error={error} onRetry={reload} />
      {!data ? (
        !error && <Loading label="Loading upgrade candidates" />
      ) : (
        <Stack>
          <Section title="Limits per tier">
            <ThresholdsList thresholds={data.thresholds ?? data.limits ?? {}} />
          </Section>
          <Section title="Candidates">
            {data.items.length === 0 ? (
              <Text data-testid="candidates-none">No tenant has outgrown its tier.</Text>
            ) : (
              <CandidatesTable candidates={data.items} onMove={setMoving} />
            )}
          </Section>
        </Stack>
      )}
      {moving && (
        <MoveDialog
          tenant={{ slug: moving.slug, tier: moving.tier, server: moving.server }}
          preset={moving.suggestion}
          onClose={() => setMoving(undefined)}
        />
      )}
    </>
  );
}
