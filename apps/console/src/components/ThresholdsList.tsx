import { SimpleGrid, Stack, Text } from '@mantine/core';
import { words } from '../format';

const valueText = (value: unknown) =>
  typeof value === 'number' ? new Intl.NumberFormat('en').format(value) : value === null ? 'none' : String(value);

/** The advisor's thresholds per tier, as it reports them (a tenant past one is a candidate). */
export function ThresholdsList({ thresholds }: { thresholds: Record<string, unknown> }) {
  const entries = Object.entries(thresholds);
  if (!entries.length) return null;
  return (
    <SimpleGrid cols={{ base: 1, sm: 3 }} data-testid="candidate-thresholds">
      {entries.map(([tier, limits]) => (
        <Stack gap={2} key={tier}>
          <Text fw={700}>{words(tier)} tier</Text>
          {limits && typeof limits === 'object' ? (
            Object.entries(limits as Record<string, unknown>).map(([name, value]) => (
              <Text size="sm" key={name}>
                {words(name)}: {valueText(value)}
              </Text>
            ))
          ) : (
            <Text size="sm">{valueText(limits)}</Text>
          )}
        </Stack>
      ))}
    </SimpleGrid>
  );
}
