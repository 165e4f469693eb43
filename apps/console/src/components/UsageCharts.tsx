import '@mantine/charts/styles.css';
import { BarChart } from '@mantine/charts';
import { Box, SegmentedControl, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { USAGE_WINDOWS, type TenantUsage, type UsageCounts, type UsageWindow } from '../api-types';
import { formatMs, formatNumber } from '../format';
import { Loading } from './Loading';
import { ProblemAlert } from './ProblemAlert';

const CHARTS: { key: keyof UsageCounts; title: string; color: string; format: (v: number) => string }[] = [
  { key: 'requests', title: 'Requests', color: 'blue.9', format: formatNumber },
  { key: 'errors', title: 'Server errors', color: 'red.9', format: formatNumber },
  { key: 'dbMs', title: 'Database time', color: 'grape.9', format: formatMs },
];

const hourLabel = (iso: string, window: UsageWindow) =>
  new Intl.DateTimeFormat(undefined, {
    ...(window === '7d' || window === '30d' ? { month: 'short', day: 'numeric' } : {}),
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(iso));

const HOUR_MS = 3_600_000;

/** Every hour of the window, quiet ones as zeros (the API lists only hours with traffic). */
function everyHour(usage: TenantUsage): (UsageCounts & { hour: string })[] {
  const byHour = new Map(usage.hours.map((h) => [new Date(h.hour).getTime(), h]));
  const first = Math.floor(new Date(usage.since).getTime() / HOUR_MS) * HOUR_MS;
  const last = Math.max(first, ...byHour.keys(), Math.floor(Date.now() / HOUR_MS) * HOUR_MS);
  const hours = [];
  for (let at = first; at <= last; at += HOUR_MS)
    hours.push(byHour.get(at) ?? { hour: new Date(at).toISOString(), requests: 0, errors: 0, dbMs: 0, rows: 0 });
  return hours;
}

interface UsageChartsProps {
  usage: TenantUsage | undefined;
  error: unknown;
  window: UsageWindow;
  onWindowChange: (window: UsageWindow) => void;
  onRetry: () => void;
}

/** A tenant's requests, errors and database time per hour over a chosen window. */
export function UsageCharts({ usage, error, window, onWindowChange, onRetry }: UsageChartsProps) {
  const data = usage ? everyHour(usage).map((h) => ({ ...h, label: hourLabel(h.hour, window) })) : [];
  const quiet = data.every((h) => h.requests === 0 && h.errors === 0 && h.dbMs === 0);
  return (
    <Stack gap="sm">
      <SegmentedControl
        aria-label="Usage window"
        data={[...USAGE_WINDOWS]}
        value={window}
        onChange={(value) => onWindowChange(value as UsageWindow)}
        w="fit-content"
        data-testid="usage-window"
      />
      <ProblemAlert error={error} onRetry={onRetry} />
      {!usage ? (
        !error && <Loading label="Loading usage" />
      ) : (
        <SimpleGrid cols={{ base: 1, md: 3 }} data-testid="usage-charts">
          {CHARTS.map((chart) => (
            <Box component="figure" m={0} key={chart.key} data-testid={`usage-${chart.key}`}>
              <Title order={3} size="h6" component="figcaption">
                {chart.title}: {chart.format(usage.total[chart.key])} in {window}
              </Title>
              {quiet ? (
                <Text size="sm" c="dimmed" mt="xs">
                  No traffic in this window.
                </Text>
              ) : (
                <BarChart
                  h={180}
                  mt="xs"
                  data={data}
                  dataKey="label"
                  series={[{ name: chart.key, label: chart.title, color: chart.color }]}
                  valueFormatter={chart.format}
                  tickLine="y"
                  gridAxis="y"
                />
              )}
            </Box>
          ))}
        </SimpleGrid>
      )}
    </Stack>
  );
}
