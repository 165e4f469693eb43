import { Table } from '@mantine/core';
import { TARGET_STATES, type MigrationStatus, type TargetKind } from '../api-types';
import { formatNumber } from '../format';

const KINDS: (TargetKind | 'total')[] = ['shared', 'template', 'schema', 'database', 'total'];

/** Per kind of target: how many there are and how many are current, behind, failed or running. */
export function MigrationSummary({ status }: { status: MigrationStatus }) {
  return (
    <Table data-testid="migration-summary">
      <Table.Caption>
        Latest tenant migration: {status.latest ?? 'none'} · control plane at {status.controlPlane.applied ?? 'none'} of{' '}
        {status.controlPlane.latest ?? 'none'}
      </Table.Caption>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Targets</Table.Th>
          <Table.Th>All</Table.Th>
          {TARGET_STATES.map((state) => (
            <Table.Th key={state}>{state}</Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {KINDS.map((kind) => {
          const counts = status.summary[kind];
          return (
            <Table.Tr key={kind} data-testid={`migration-summary-${kind}`}>
              <Table.Th scope="row">{kind}</Table.Th>
              <Table.Td>{formatNumber(counts?.targets ?? 0)}</Table.Td>
              {TARGET_STATES.map((state) => (
                <Table.Td key={state}>{formatNumber(counts?.[state] ?? 0)}</Table.Td>
              ))}
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}
