import { Anchor, Code, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import type { AuditEntry } from '../api-types';
import { formatDateTime } from '../format';
import { StateBadge } from './StateBadge';

const detailsText = (details: unknown) =>
  details === null || details === undefined ? '' : JSON.stringify(details, null, 1).replace(/\n\s*/g, ' ');

/** Where an entry's target lives in the console, if it has a page. */
function targetPath(entry: AuditEntry): string | undefined {
  if (entry.targetSlug) return `/tenants/${entry.targetSlug}`;
  if (!entry.target) return undefined;
  if (entry.action === 'migration.run') return `/migrations/runs/${entry.target}`;
  if (entry.action.startsWith('move.')) return `/moves/${entry.target}`;
  return undefined;
}

/** Audit entries, newest first: who did what to which target, and how it ended. */
export function AuditTable({ entries, testId, caption }: { entries: AuditEntry[]; testId: string; caption: string }) {
  if (!entries.length) return <Text data-testid={testId}>No audit entries.</Text>;
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table striped data-testid={testId}>
        <Table.Caption>{caption}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>When</Table.Th>
            <Table.Th>Actor</Table.Th>
            <Table.Th>Action</Table.Th>
            <Table.Th>Target</Table.Th>
            <Table.Th>Outcome</Table.Th>
            <Table.Th>Details</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {entries.map((entry) => (
            <Table.Tr key={entry.id} data-testid={`audit-row-${entry.id}`}>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(entry.at)}</Table.Td>
              <Table.Td>{entry.actor}</Table.Td>
              <Table.Td>
                <Code>{entry.action}</Code>
              </Table.Td>
              <Table.Td>
                {targetPath(entry) ? (
                  <Anchor component={Link} to={targetPath(entry)!}>
                    {entry.targetSlug ?? entry.target}
                  </Anchor>
                ) : (
                  (entry.target ?? '—')
                )}
              </Table.Td>
              <Table.Td>
                <StateBadge value={entry.outcome} />
              </Table.Td>
              <Table.Td maw={360}>
                <Text size="xs" ff="monospace" lineClamp={3} title={detailsText(entry.details)}>
                  {detailsText(entry.details)}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
