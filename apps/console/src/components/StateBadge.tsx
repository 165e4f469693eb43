import { Badge } from '@mantine/core';
import { words } from '../format';

/** One colour per meaning, each passing 4.5:1 contrast as a filled badge (shade 9). */
const COLORS: Record<string, string> = {
  // good
  active: 'teal',
  done: 'teal',
  succeeded: 'teal',
  current: 'teal',
  applied: 'teal',
  ok: 'teal',
  // in progress
  provisioning: 'blue',
  pending: 'blue',
  copying: 'blue',
  catching_up: 'blue',
  cutover: 'blue',
  verifying: 'blue',
  cleaning_up: 'blue',
  running: 'blue',
  planned: 'blue',
  scheduled: 'blue',
  // needs attention
  suspended: 'grape',
  behind: 'grape',
  warning: 'grape',
  interrupted: 'grape',
  skipped: 'gray',
  cancelled: 'gray',
  // bad
  failed: 'red',
  error: 'red',
  deleting: 'red',
  erasing: 'red',
  // tiers
  shared: 'indigo',
  schema: 'violet',
  database: 'dark',
};

export function StateBadge({ value, testId }: { value: string; testId?: string }) {
  return (
    <Badge color={COLORS[value] ?? 'gray'} variant="filled" miw="fit-content" data-testid={testId} data-value={value}>
      {words(value)}
    </Badge>
  );
}
