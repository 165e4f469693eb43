import { Anchor, Progress, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import type { Move } from '../api-types';
import { formatDateTime, formatMs, formatNumber, percent } from '../format';
import { StateBadge } from './StateBadge';
import { TenantLink } from './TenantLink';

interface MovesTableProps {
  moves: Move[];
  /** Show the tenant of each move (off on a tenant's own page). */
  withTenant?: boolean;
  caption: string;
  testId?: string;
}

const place = (end: Move['from']) => `${end.tier} on ${end.server}`;

export function MovesTable({ moves, withTenant = false, caption, testId }: MovesTableProps) {
  if (!moves.length) return <Text data-testid={testId}>No moves.</Text>;
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table striped data-testid={testId}>
        <Table.Caption>{caption}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Started</Table.Th>
            {withTenant && <Table.Th>Tenant</Table.Th>}
            <Table.Th>From → to</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th>Rows copied</Table.Th>
            <Table.Th>Freeze</Table.Th>
            <Table.Th>Details</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {moves.map((move) => (
            <Table.Tr key={move.id} data-testid={`move-row-${move.id}`}>
              <Table.Td>{formatDateTime(move.startedAt)}</Table.Td>
              {withTenant && (
                <Table.Td>
                  <TenantLink id={move.tenantId} />
                </Table.Td>
              )}
              <Table.Td>
                {place(move.from)} → {place(move.to)}
              </Table.Td>
              <Table.Td>
                <StateBadge value={move.state} />
              </Table.Td>
              <Table.Td miw={140}>
                <Text size="sm">
                  {formatNumber(move.rowsCopied)} / {formatNumber(move.rowsTotal)}
                </Text>
                <Progress
                  value={percent(move.rowsCopied, move.rowsTotal)}
                  size="sm"
                  aria-label={`Rows copied of move ${move.id}`}
                />
              </Table.Td>
              <Table.Td>{move.freezeMs === null ? '—' : formatMs(move.freezeMs)}</Table.Td>
              <Table.Td>
                <Anchor component={Link} to={`/moves/${move.id}`} aria-label={`Open move ${move.id}`}>
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
