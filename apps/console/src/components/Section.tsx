import { Group, Paper, Title } from '@mantine/core';
import type { ReactNode } from 'react';

interface SectionProps {
  title: string;
  children: ReactNode;
  /** Right of the title (a link, a button). */
  action?: ReactNode;
  testId?: string;
}

/** A titled block of a page (an <h2>, under the page's <h1>). */
export function Section({ title, children, action, testId }: SectionProps) {
  return (
    <Paper withBorder p="md" component="section" aria-label={title} data-testid={testId}>
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">
          {title}
        </Title>
        {action}
      </Group>
      {children}
    </Paper>
  );
}
