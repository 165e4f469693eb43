import { Anchor, Button, List, Table } from '@mantine/core';
import { Link } from 'react-router';
import type { Candidate } from '../api-types';
import { formatBytes, formatMs, formatNumber } from '../format';
import { StateBadge } from './StateBadge';

interface CandidatesTableProps {
  candidates: Candidate[];
  onMove: (candidate: Candidate) => void;
}

/** Ranked candidates: their size and traffic, why they are here, and the move the advisor suggests. */
export function CandidatesTable({ candidates, onMove }: CandidatesTableProps) {
  const perHour = candidates.some((c) => c.requestsPerHour !== undefined);
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table striped data-testid="candidates-table">
        <Table.Caption>{formatNumber(candidates.length)} candidates, the furthest past a limit first</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Rank</Table.Th>
            <Table.Th>Tenant</Table.Th>
            <Table.Th>Tier</Table.Th>
            <Table.Th>Server</Table.Th>
            <Table.Th>Rows</Table.Th>
            <Table.Th>Size</Table.Th>
            <Table.Th>{perHour ? 'Requests per hour' : 'Requests'}</Table.Th>
            <Table.Th>{perHour ? 'Database time per hour' : 'Database time'}</Table.Th>
            <Table.Th>Score</Table.Th>
            <Table.Th>Why</Table.Th>
            <Table.Th>Action</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {candidates.map((candidate, index) => {
            const about = candidate.sizeApproximate ? '≈ ' : '';
            return (
              <Table.Tr key={candidate.tenantId} data-testid={`candidate-row-${candidate.slug}`}>
                <Table.Td>{index + 1}</Table.Td>
                <Table.Td>
                  <Anchor component={Link} to={`/tenants/${candidate.slug}`} fw={600}>
                    {candidate.slug}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <StateBadge value={candidate.tier} />
                </Table.Td>
                <Table.Td>{candidate.server}</Table.Td>
                <Table.Td>{about + formatNumber(candidate.rows)}</Table.Td>
                <Table.Td>{about + formatBytes(candidate.bytes)}</Table.Td>
                <Table.Td>{formatNumber(candidate.requestsPerHour ?? candidate.requests ?? 0)}</Table.Td>
                <Table.Td>{formatMs(candidate.dbMsPerHour ?? candidate.dbMs ?? 0)}</Table.Td>
                <Table.Td>{candidate.score.toFixed(2)}</Table.Td>
                <Table.Td>
                  <List size="sm" spacing={2}>
                    {candidate.reasons.map((reason) => (
                      <List.Item key={reason}>{reason}</List.Item>
                    ))}
                  </List>
                </Table.Td>
                <Table.Td>
                  <Button size="xs" onClick={() => onMove(candidate)} data-testid={`candidate-move-${candidate.slug}`}>
                    Move to {candidate.suggestion.tier}
                  </Button>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
