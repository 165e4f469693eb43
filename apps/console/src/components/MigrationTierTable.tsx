import { Anchor, Table } from '@mantine/core';
import { Link } from 'react-router';
import { TARGET_STATES, TIERS, type TargetCounts } from '../api-types';
import { formatNumber } from '../format';

/** Per tier: how many targets are current, behind, failed or running; each count links to the list. */
export function MigrationTierTable({ counts }: { counts: Partial<Record<string, Partial<TargetCounts>>> }) {
  return (
    <Table.ScrollContainer minWidth={380}>
      <Table data-testid="migration-tiers">
        <Table.Caption>Migration targets per tier</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Tier</Table.Th>
            {TARGET_STATES.map((state) => (
              <Table.Th key={state}>{state}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {TIERS.map((tier) => (
            <Table.Tr key={tier} data-testid={`migration-tier-${tier}`}>
              <Table.Th scope="row">{tier}</Table.Th>
              {TARGET_STATES.map((state) => {
                const count = counts[tier]?.[state] ?? 0;
                return (
                  <Table.Td key={state} data-testid={`migration-${tier}-${state}`}>
                    {count > 0 && state !== 'current' ? (
                      <Anchor component={Link} to={`/migrations?tier=${tier}&status=${state}`}>
                        {formatNumber(count)}
                      </Anchor>
                    ) : (
                      formatNumber(count)
                    )}
                  </Table.Td>
                );
              })}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
