import { Group, Select, Stack, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { resources } from '../api';
import { TARGET_STATES, TIERS, type TargetState, type Tier } from '../api-types';
import { Loading } from '../components/Loading';
import { MigrationSummary } from '../components/MigrationSummary';
import { MigrationTargetsTable } from '../components/MigrationTargetsTable';
import { PageHeader } from '../components/PageHeader';
import { ProblemAlert } from '../components/ProblemAlert';
import { RunsTable } from '../components/RunsTable';
import { Section } from '../components/Section';
import { StartRunForm } from '../components/StartRunForm';
import { useResource } from '../hooks/useResource';

const oneOf = <T extends string>(values: readonly T[], value: string | null): T | undefined =>
  values.find((v) => v === value);

/** Where every target stands, a form to start a fleet run (preview first), and the recent runs. */
export function MigrationsPage() {
  const [params, setParams] = useSearchParams();
  const tier = oneOf(TIERS, params.get('tier'));
  const status = oneOf(TARGET_STATES, params.get('status'));
  const [tenantFilter, setTenantFilter] = useState('');
  const setFilter = (key: 'tier' | 'status', value: string | null) =>
    setParams((previous) => {
      const next = new URLSearchParams(previous);
      if (value) next.set(key, value);
      else next.delete(key);
      return next;
    });

  const all = useResource(resources.migrations({}));
  const filtered = useResource(tier || status ? resources.migrations({ tier, status }) : null);
  const runs = useResource(resources.runs(), 5000);
  const targets = (tier || status ? filtered.data : all.data)?.targets;
  const needle = tenantFilter.trim().toLowerCase();
  const shown = needle ? targets?.filter((t) => (t.tenant ?? t.key).toLowerCase().includes(needle)) : targets;

  return (
    <>
      <PageHeader title="Migrations" description="The tenant migration set across the fleet." />
      <Stack>
        <Section title="Summary">
          <ProblemAlert error={all.error} onRetry={all.reload} />
          {all.data ? <MigrationSummary status={all.data} /> : !all.error && <Loading label="Loading migrations" />}
        </Section>
        <Section title="Start a run">
          <StartRunForm />
        </Section>
        <Section title="Recent runs">
          <ProblemAlert error={runs.error} onRetry={runs.reload} />
          {runs.data ? <RunsTable runs={runs.data.items} /> : !runs.error && <Loading label="Loading runs" />}
        </Section>
        <Section title="Targets">
          <Group align="flex-end" mb="sm">
            <Select
              label="Tier"
              data={[...TIERS]}
              value={tier ?? null}
              onChange={(value) => setFilter('tier', value as Tier | null)}
              clearable
              placeholder="Any tier"
              w={150}
              data-testid="targets-filter-tier"
            />
            <Select
              label="Status"
              data={[...TARGET_STATES]}
              value={status ?? null}
              onChange={(value) => setFilter('status', value as TargetState | null)}
              clearable
              placeholder="Any status"
              w={150}
              data-testid="targets-filter-status"
            />
            <TextInput
              label="Tenant or target"
              value={tenantFilter}
              onChange={(event) => setTenantFilter(event.currentTarget.value)}
              w={220}
              data-testid="targets-filter-tenant"
            />
          </Group>
          <ProblemAlert error={filtered.error} onRetry={filtered.reload} />
          {shown ? (
            <MigrationTargetsTable key={`${tier}/${status}/${needle}`} targets={shown} />
          ) : (
            <Loading label="Loading targets" />
          )}
        </Section>
      </Stack>
    </>
  );
}
