import { Table } from '@mantine/core';
import type { ServerOverview } from '../api-types';
import { formatNumber } from '../format';

/** Shared cells (databases holding shared-tier rows and tenant schemas) and the tenants each holds. */
export function CellsTable({ servers }: { servers: ServerOverview[] }) {
  const cells = servers.flatMap((server) => server.cells);
  return (
    <Table.ScrollContainer minWidth={480}>
      <Table striped data-testid="cells-table">
        <Table.Caption>Shared cells</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Cell</Table.Th>
            <Table.Th>Server</Table.Th>
            <Table.Th>Database</Table.Th>
            <Table.Th>Shared tenants</Table.Th>
            <Table.Th>Schema tenants</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {cells.map((cell) => (
            <Table.Tr key={`${cell.server}/${cell.name}`}>
              <Table.Td fw={600}>{cell.name}</Table.Td>
              <Table.Td>{cell.server}</Table.Td>
              <Table.Td>{cell.database}</Table.Td>
              <Table.Td>{formatNumber(cell.tenants.shared)}</Table.Td>
              <Table.Td>{formatNumber(cell.tenants.schema)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
