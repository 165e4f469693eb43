import { SimpleGrid, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import type { Tenant, TenantUsage } from '../api-types';
import { formatBytes, formatDateTime, formatNumber } from '../format';
import { StateBadge } from './StateBadge';

function Field({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <Stack gap={0}>
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text component="div" fw={600} data-testid={testId} style={{ overflowWrap: 'anywhere' }}>
        {children}
      </Text>
    </Stack>
  );
}

/** Where a tenant lives and how big it is. */
export function PlacementCard({ tenant, storage }: { tenant: Tenant; storage: TenantUsage['storage'] | undefined }) {
  return (
    <SimpleGrid cols={{ base: 2, md: 4 }} data-testid="tenant-placement">
      <Field label="Tier" testId="tenant-tier">
        <StateBadge value={tenant.tier} />
      </Field>
      <Field label="Server" testId="tenant-server">
        {tenant.placement.server}
      </Field>
      <Field label="Database">{tenant.placement.database}</Field>
      <Field label="Schema">{tenant.placement.schema}</Field>
      <Field label="Schema version" testId="tenant-schema-version">
        {tenant.schemaVersion ?? 'none'}
      </Field>
      <Field label="Record version">{tenant.version}</Field>
      <Field label="Rows stored" testId="tenant-rows">
        {storage ? formatNumber(storage.rows) : '…'}
      </Field>
      <Field label="Size" testId="tenant-bytes">
        {storage ? formatBytes(storage.bytes) : '…'}
      </Field>
      <Field label="Created">{formatDateTime(tenant.createdAt)}</Field>
      <Field label="Updated">{formatDateTime(tenant.updatedAt)}</Field>
      <Field label="Id">{tenant.id}</Field>
    </SimpleGrid>
  );
}
