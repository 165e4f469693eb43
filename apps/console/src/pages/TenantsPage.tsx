import { Anchor, Box, Group, Pagination, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { useState } from 'react';
import { Link } from 'react-router';
import { resources } from '../api';
import { TENANT_STATUSES, TIERS, type TenantSortKey, type TenantStatus, type Tier } from '../api-types';
import { Loading } from '../components/Loading';
import { PageHeader } from '../components/PageHeader';
import { ProblemAlert } from '../components/ProblemAlert';
import { SortableHeader } from '../components/SortableHeader';
import { StateBadge } from '../components/StateBadge';
import { formatDateTime, formatNumber } from '../format';
import { useResource } from '../hooks/useResource';
import { useTenantFilters } from '../hooks/useTenantFilters';

const PAGE_SIZE = 50;

const COLUMNS: { key: TenantSortKey; label: string }[] = [
  { key: 'slug', label: 'Slug' },
  { key: 'name', label: 'Name' },
  { key: 'tier', label: 'Tier' },
  { key: 'status', label: 'Status' },
];

/** Every tenant, searched, filtered, sorted and paged by the API (never all at once). */
export function TenantsPage() {
  const [filters, update] = useTenantFilters();
  const [search, setSearch] = useState(filters.q);
  /** The search last written to the URL: the box follows the URL only when it changes elsewhere (back). */
  const [appliedSearch, setAppliedSearch] = useState(filters.q);
  if (filters.q !== appliedSearch) {
    setAppliedSearch(filters.q);
    setSearch(filters.q);
  }
  const applySearch = useDebouncedCallback((q: string) => {
    setAppliedSearch(q.trim());
    update({ q: q.trim() });
  }, 300);

  const servers = useResource(resources.servers());
  const { data, error, loading, reload } = useResource(
    resources.tenants({
      q: filters.q,
      tier: filters.tier,
      status: filters.status,
      server: filters.server,
      sort: filters.sort,
      order: filters.order,
      limit: PAGE_SIZE,
      offset: (filters.page - 1) * PAGE_SIZE,
    }),
  );

  const sortBy = (key: TenantSortKey) =>
    update({ sort: key, order: filters.sort === key && filters.order === 'asc' ? 'desc' : 'asc' });
  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;
  const first = (filters.page - 1) * PAGE_SIZE + 1;

  return (
    <>
      <PageHeader title="Tenants" description="Search by slug or name; filter, sort and page on the server." />
      <Group align="flex-end" mb="md" gap="sm">
        <TextInput
          label="Search tenants"
          type="search"
          value={search}
          onChange={(event) => {
            setSearch(event.currentTarget.value);
            applySearch(event.currentTarget.value);
          }}
          w={260}
          data-testid="tenant-search"
        />
        <Select
          label="Tier"
          data={TIERS.map((tier) => ({ value: tier, label: tier }))}
          value={filters.tier ?? null}
          onChange={(tier) => update({ tier: (tier as Tier | null) ?? undefined })}
          clearable
          placeholder="Any tier"
          w={150}
          data-testid="tenant-filter-tier"
        />
        <Select
          label="Status"
          data={TENANT_STATUSES.map((status) => ({ value: status, label: status }))}
          value={filters.status ?? null}
          onChange={(status) => update({ status: (status as TenantStatus | null) ?? undefined })}
          clearable
          placeholder="Any status"
          w={160}
          data-testid="tenant-filter-status"
        />
        <Select
          label="Server"
          data={(servers.data?.items ?? []).map((server) => server.name)}
          value={filters.server ?? null}
          onChange={(server) => update({ server: server ?? undefined })}
          clearable
          placeholder="Any server"
          w={170}
          data-testid="tenant-filter-server"
        />
      </Group>
      <ProblemAlert error={error} onRetry={reload} />
      {!data ? (
        !error && <Loading label="Loading tenants" />
      ) : (
        <Stack gap="sm">
          <Text size="sm" role="status" data-testid="tenants-total">
            {data.total === 0
              ? 'No tenant matches.'
              : `${formatNumber(first)}–${formatNumber(first + data.items.length - 1)} of ${formatNumber(data.total)} tenants`}
            {loading ? ' (updating…)' : ''}
          </Text>
          <Table.ScrollContainer minWidth={720}>
            <Table striped highlightOnHover data-testid="tenants-table" aria-busy={loading}>
              <Table.Thead>
                <Table.Tr>
                  {COLUMNS.map((column) => (
                    <SortableHeader
                      key={column.key}
                      sorted={filters.sort === column.key ? filters.order : undefined}
                      onSort={() => sortBy(column.key)}
                      testId={`sort-${column.key}`}
                    >
                      {column.label}
                    </SortableHeader>
                  ))}
                  <Table.Th>Server</Table.Th>
                  <SortableHeader
                    sorted={filters.sort === 'createdAt' ? filters.order : undefined}
                    onSort={() => sortBy('createdAt')}
                    testId="sort-createdAt"
                  >
                    Created
                  </SortableHeader>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.items.map((tenant) => (
                  <Table.Tr key={tenant.id} data-testid={`tenant-row-${tenant.slug}`}>
                    <Table.Td>
                      <Anchor component={Link} to={`/tenants/${tenant.slug}`} fw={600}>
                        {tenant.slug}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{tenant.name}</Table.Td>
                    <Table.Td>
                      <StateBadge value={tenant.tier} />
                    </Table.Td>
                    <Table.Td>
                      <StateBadge value={tenant.status} />
                    </Table.Td>
                    <Table.Td>{tenant.placement.server}</Table.Td>
                    <Table.Td>{formatDateTime(tenant.createdAt)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {pages > 1 && (
            <Box component="nav" aria-label="Tenant pages">
              <Pagination
                total={pages}
                value={Math.min(filters.page, pages)}
                onChange={(page) => update({ page })}
                siblings={1}
                boundaries={1}
                withEdges
                getControlProps={(control) => ({ 'aria-label': `${control} page` })}
                getItemProps={(page) => ({ 'aria-label': `Page ${page}` })}
                data-testid="tenants-pagination"
              />
            </Box>
          )}
        </Stack>
      )}
    </>
  );
}
