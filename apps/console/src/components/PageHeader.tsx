import { Group, Stack, Text, Title } from '@mantine/core';
import { useEffect, type ReactNode } from 'react';

interface PageHeaderProps {
  /** The page's one <h1>, and the start of the document title. */
  title: string;
  description?: ReactNode;
  /** Buttons on the right. */
  actions?: ReactNode;
  /** Shown after the title (badges). */
  extra?: ReactNode;
}

export function PageHeader({ title, description, actions, extra }: PageHeaderProps) {
  useEffect(() => {
    document.title = `${title} · Switchyard console`;
  }, [title]);
  return (
    <Group justify="space-between" align="flex-start" mb="md" gap="sm">
      <Stack gap={4}>
        <Group gap="sm">
          <Title order={1} size="h2">
            {title}
          </Title>
          {extra}
        </Group>
        {description && <Text c="dimmed">{description}</Text>}
      </Stack>
      {actions && <Group gap="sm">{actions}</Group>}
    </Group>
  );
}
