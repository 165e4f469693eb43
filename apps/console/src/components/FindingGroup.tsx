import { Badge, Code, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import type { Finding } from '../api-types';
import { guideFor } from '../doctor/finding-guide';

/** All findings of one kind: what it means, how to fix it, and where it was found. */
export function FindingGroup({ code, findings }: { code: string; findings: Finding[] }) {
  const guide = guideFor(code);
  const errors = findings.filter((f) => f.severity === 'error').length;
  return (
    <Paper withBorder p="md" component="article" data-testid={`finding-${code}`}>
      <Stack gap="xs">
        <Group gap="sm">
          <Title order={2} size="h4">
            {guide.title}
          </Title>
          <Code>{code}</Code>
          <Badge color={errors ? 'red' : 'grape'} variant="filled">
            {errors ? 'error' : 'warning'} × {findings.length}
          </Badge>
        </Group>
        <Text size="sm">
          <strong>What it means:</strong> {guide.meaning}
        </Text>
        <Text size="sm">
          <strong>How to fix it:</strong> {guide.fix}
        </Text>
        <Table.ScrollContainer minWidth={640}>
          <Table striped>
            <Table.Caption>Where it was found</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Target</Table.Th>
                <Table.Th>Object</Table.Th>
                <Table.Th>Finding</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {findings.map((finding) => (
                <Table.Tr key={`${finding.target}|${finding.object}|${finding.message}`}>
                  <Table.Td>
                    <Code>{finding.target}</Code>
                  </Table.Td>
                  <Table.Td>{finding.object}</Table.Td>
                  <Table.Td>{finding.message}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Stack>
    </Paper>
  );
}
