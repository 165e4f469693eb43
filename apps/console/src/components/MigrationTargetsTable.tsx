import { Anchor, Box, Code, Pagination, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import type { MigrationTarget } from '../api-types';
import { formatNumber } from '../format';
import { StateBadge } from './StateBadge';

const PAGE_SIZE = 100;

/** Migration targets, a page of 100 at a time (a fleet may have thousands). */
export function MigrationTargetsTable({ targets }: { targets: MigrationTarget[] }) {
  const [page, setPage] = useState(1);
  const pages = Math.max(1, Math.ceil(targets.length / PAGE_SIZE));
  const current = Math.min(page, pages);
  const shown = targets.slice((current - 1) * PAGE_SIZE, current * PAGE_SIZE);
  if (!targets.length) return <Text data-testid="migration-targets">No target matches.</Text>;
  return (
    <Stack gap="sm">
      <Table.ScrollContainer minWidth={820}>
        <Table striped data-testid="migration-targets">
          <Table.Caption>{formatNumber(targets.length)} targets</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Target</Table.Th>
              <Table.Th>Kind</Table.Th>
              <Table.Th>Tenant</Table.Th>
              <Table.Th>Server</Table.Th>
              <Table.Th>Applied</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Pending</Table.Th>
              <Table.Th>Error</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shown.map((target) => (
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
                <Table.Td>{target.server}</Table.Td>
                <Table.Td>{target.applied ?? 'none'}</Table.Td>
                <Table.Td>
                  <StateBadge value={target.status} />
                </Table.Td>
                <Table.Td>{target.pending.length ? formatNumber(target.pending.length) : '—'}</Table.Td>
                <Table.Td>
                  {target.error ? (
                    <Text size="sm" c="red.9">
                      {target.error}
                    </Text>
                  ) : (
                    '—'
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {pages > 1 && (
        <Box component="nav" aria-label="Target pages">
          <Pagination
            total={pages}
            value={current}
            onChange={setPage}
            withEdges
            getControlProps={(control) => ({ 'aria-label': `${control} page` })}
            getItemProps={(n) => ({ 'aria-label': `Page ${n}` })}
          />
        </Box>
      )}
    </Stack>
  );
}
