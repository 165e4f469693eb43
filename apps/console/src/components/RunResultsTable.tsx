import { Anchor, Code, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import type { TargetReport } from '../api-types';
import { StateBadge } from './StateBadge';

interface RunResultsTableProps {
  results: TargetReport[];
  caption: string;
  testId: string;
  /** The most rows shown (a fleet may have thousands of targets). */
  limit?: number;
}

/** Per target of a run: its outcome, the migrations it applied (or would), and its error. */
export function RunResultsTable({ results, caption, testId, limit = 200 }: RunResultsTableProps) {
  if (!results.length) return <Text data-testid={testId}>No targets.</Text>;
  const shown = results.slice(0, limit);
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table striped data-testid={testId}>
        <Table.Caption>
          {caption}
          {results.length > shown.length ? ` (first ${shown.length} of ${results.length})` : ''}
        </Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Target</Table.Th>
            <Table.Th>Tier</Table.Th>
            <Table.Th>Tenant</Table.Th>
            <Table.Th>Outcome</Table.Th>
            <Table.Th>Migrations</Table.Th>
            <Table.Th>Error</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {shown.map((target) => {
            const migrations = target.outcome === 'planned' ? target.pending : target.applied;
            return (
              <Table.Tr key={target.key}>
                <Table.Td>
                  <Code>{target.key}</Code>
                </Table.Td>
                <Table.Td>{target.kind}</Table.Td>
                <Table.Td>
                  {target.tenant ? (
                    <Anchor component={Link} to={`/tenants/${target.tenant}`}>
                      {target.tenant}
                    </Anchor>
                  ) : (
                    '—'
                  )}
                </Table.Td>
                <Table.Td>
                  <StateBadge value={target.outcome} />
                </Table.Td>
                <Table.Td>{migrations.length ? migrations.join(', ') : '—'}</Table.Td>
                <Table.Td>
                  {target.error ? (
                    <Text size="sm" c="red.9">
                      {target.errorCode ? `${target.errorCode}: ` : ''}
                      {target.error}
                    </Text>
                  ) : (
                    '—'
                  )}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
