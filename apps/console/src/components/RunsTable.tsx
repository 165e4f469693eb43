import { Anchor, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import type { MigrationRun } from '../api-types';
import { formatDateTime, formatNumber } from '../format';
import { StateBadge } from './StateBadge';

const optionsText = (run: MigrationRun) => {
  const o = run.options ?? {};
  return [
    o.dryRun ? 'dry run' : undefined,
    o.tiers ? `tiers ${o.tiers.join(', ')}` : 'all tiers',
    o.tenants ? `${o.tenants.length} tenants` : undefined,
    o.canary !== undefined ? `canary ${o.canary}` : undefined,
    o.concurrency !== undefined ? `concurrency ${o.concurrency}` : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
};

/** Recent fleet migration runs, newest first, each linking to its live page. */
export function RunsTable({ runs }: { runs: MigrationRun[] }) {
  if (!runs.length) return <Text data-testid="runs-table">No run yet.</Text>;
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table striped data-testid="runs-table">
        <Table.Caption>Recent runs, newest first</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Started</Table.Th>
            <Table.Th>By</Table.Th>
            <Table.Th>Options</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Targets</Table.Th>
            <Table.Th>Details</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {runs.map((run) => (
            <Table.Tr key={run.id} data-testid={`run-row-${run.id}`}>
              <Table.Td>{formatDateTime(run.startedAt)}</Table.Td>
              <Table.Td>{run.requestedBy ?? '—'}</Table.Td>
              <Table.Td>{optionsText(run)}</Table.Td>
              <Table.Td>
                <StateBadge value={run.status} />
              </Table.Td>
              <Table.Td>
                {formatNumber(run.progress.done)} / {formatNumber(run.progress.total)}
              </Table.Td>
              <Table.Td>
                <Anchor component={Link} to={`/migrations/runs/${run.id}`} aria-label={`Open run ${run.id}`}>
                  Open
                </Anchor>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
