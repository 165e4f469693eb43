import { Badge, Progress, Table, Text } from '@mantine/core';
import type { ServerOverview } from '../api-types';
import { formatBytes, formatNumber, percent } from '../format';

/** Registered servers: tenants per tier, connections in use and bytes (read from each server). */
export function ServersTable({ servers }: { servers: ServerOverview[] }) {
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table striped data-testid="servers-table">
        <Table.Caption>Registered PostgreSQL servers</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Server</Table.Th>
            <Table.Th>Address</Table.Th>
            <Table.Th>Shared</Table.Th>
            <Table.Th>Schema</Table.Th>
            <Table.Th>Database</Table.Th>
            <Table.Th>Connections</Table.Th>
            <Table.Th>Size</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {servers.map((server) => (
            <Table.Tr key={server.name} data-testid={`server-row-${server.name}`}>
              <Table.Td fw={600}>{server.name}</Table.Td>
              <Table.Td>
                {server.host}:{server.port}
              </Table.Td>
              <Table.Td>{formatNumber(server.tenants.shared)}</Table.Td>
              <Table.Td>{formatNumber(server.tenants.schema)}</Table.Td>
              <Table.Td>{formatNumber(server.tenants.database)}</Table.Td>
              <Table.Td miw={170}>
                {server.live ? (
                  <>
                    <Text size="sm">
                      {formatNumber(server.live.connections.total)} of {formatNumber(server.live.maxConnections)} (
                      {formatNumber(server.live.connections.application)} by the application)
                    </Text>
                    <Progress
                      size="sm"
                      value={percent(server.live.connections.total, server.live.maxConnections)}
                      aria-label={`Connections in use on ${server.name}`}
                    />
                  </>
                ) : (
                  <Badge color="red" variant="filled">
                    unreachable
                  </Badge>
                )}
              </Table.Td>
              <Table.Td>{server.live ? formatBytes(server.live.bytes) : '—'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
