import { Anchor, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { Link } from 'react-router';
import { resources } from '../api';
import { TENANT_STATUSES, TIERS } from '../api-types';
import { CellsTable } from '../components/CellsTable';
import { DoctorStatus } from '../components/DoctorStatus';
import { Loading } from '../components/Loading';
import { MigrationTierTable } from '../components/MigrationTierTable';
import { MovesTable } from '../components/MovesTable';
import { PageHeader } from '../components/PageHeader';
import { ProblemAlert } from '../components/ProblemAlert';
import { Section } from '../components/Section';
import { ServersTable } from '../components/ServersTable';
import { formatNumber, words } from '../format';
import { useResource } from '../hooks/useResource';

const REFRESH_MS = 10_000;

function Count({ label, value, to, testId }: { label: string; value: number; to: string; testId: string }) {
  return (
    <Stack gap={0}>
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Anchor component={Link} to={to} fz="xl" fw={700} data-testid={testId}>
        {formatNumber(value)}
      </Anchor>
    </Stack>
  );
}

/** The fleet at a glance, refreshed every 10 s. */
export function OverviewPage() {
  const { data, error, reload } = useResource(resources.overview(), REFRESH_MS);
  return (
    <>
      <PageHeader title="Overview" description="Tenants, servers, migrations, moves and the doctor, every 10 s." />
      <ProblemAlert error={error} onRetry={reload} />
      {!data ? (
        !error && <Loading label="Loading the overview" />
      ) : (
        <Stack>
          <Section title="Tenants" testId="overview-tenants">
            <Group gap="xl" align="flex-start">
              <Count label="All tenants" value={data.tenants.total} to="/tenants" testId="tenants-total-count" />
              <SimpleGrid cols={{ base: 3 }} spacing="lg">
                {TIERS.map((tier) => (
                  <Count
                    key={tier}
                    label={`${tier} tier`}
                    value={data.tenants.byTier[tier] ?? 0}
                    to={`/tenants?tier=${tier}`}
                    testId={`tenants-tier-${tier}`}
                  />
                ))}
              </SimpleGrid>
              <SimpleGrid cols={{ base: 2, md: 4 }} spacing="lg">
                {TENANT_STATUSES.map((status) => (
                  <Count
                    key={status}
                    label={words(status)}
                    value={data.tenants.byStatus[status] ?? 0}
                    to={`/tenants?status=${status}`}
                    testId={`tenants-status-${status}`}
                  />
                ))}
              </SimpleGrid>
            </Group>
          </Section>
          <Section title="Servers and cells" testId="overview-servers">
            <ServersTable servers={data.servers} />
            <CellsTable servers={data.servers} />
          </Section>
          <SimpleGrid cols={{ base: 1, lg: 2 }}>
            <Section
              title="Migrations"
              testId="overview-migrations"
              action={
                <Anchor component={Link} to="/migrations">
                  All migrations
                </Anchor>
              }
            >
              <Text size="sm" mb="xs">
                Latest version: <strong>{data.migrations.latest ?? 'none'}</strong>
              </Text>
              <MigrationTierTable counts={data.migrations.byTier ?? data.migrations.summary ?? {}} />
            </Section>
            <Section
              title="Doctor"
              testId="overview-doctor"
              action={
                <Anchor component={Link} to="/doctor">
                  Open the doctor
                </Anchor>
              }
            >
              <DoctorStatus doctor={data.doctor} />
            </Section>
          </SimpleGrid>
          <Section title="Moves running now" testId="overview-moves">
            <MovesTable moves={data.moves.running} withTenant caption="Moves in progress" testId="running-moves" />
          </Section>
        </Stack>
      )}
    </>
  );
}
