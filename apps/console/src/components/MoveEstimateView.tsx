import { Loader, SimpleGrid, Stack, Text } from '@mantine/core';
import type { MoveEstimate } from '../api-types';
import { formatBytes, formatDuration, formatNumber } from '../format';
import { ProblemAlert } from './ProblemAlert';

interface MoveEstimateViewProps {
  estimate: MoveEstimate | undefined;
  error: unknown;
  loading: boolean;
}

function Figure({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <Stack gap={0}>
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text fw={700} data-testid={testId}>
        {value}
      </Text>
    </Stack>
  );
}

/** What the move will copy and how long it should take, judged from past moves. */
export function MoveEstimateView({ estimate, error, loading }: MoveEstimateViewProps) {
  if (error) return <ProblemAlert error={error} title="No estimate" />;
  if (!estimate)
    return loading ? <Loader size="sm" aria-label="Estimating the move" /> : <Text>Choose where to move.</Text>;
  const { rows, bytes, expectedSeconds, basis } = estimate;
  return (
    <Stack gap="xs" data-testid="move-estimate" aria-busy={loading}>
      <SimpleGrid cols={3}>
        <Figure label="Rows" value={formatNumber(rows)} testId="move-estimate-rows" />
        <Figure label="Size" value={formatBytes(bytes)} testId="move-estimate-bytes" />
        <Figure
          label="Expected duration"
          value={expectedSeconds === null ? 'unknown' : `about ${formatDuration(expectedSeconds)}`}
          testId="move-estimate-duration"
        />
      </SimpleGrid>
      <Text size="sm" c="dimmed" data-testid="move-estimate-basis">
        {basis.moves === 0
          ? 'No past move to learn from yet, so the duration cannot be estimated.'
          : `Based on ${formatNumber(basis.moves)} past move${basis.moves === 1 ? '' : 's'}` +
            (basis.rowsPerSecond === null ? '.' : ` (${formatNumber(basis.rowsPerSecond)} rows per second).`)}
      </Text>
    </Stack>
  );
}
