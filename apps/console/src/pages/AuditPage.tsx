import { Box, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { resources } from '../api';
import { AuditTable } from '../components/AuditTable';
import { Loading } from '../components/Loading';
import { PageHeader } from '../components/PageHeader';
import { ProblemAlert } from '../components/ProblemAlert';
import { useResource } from '../hooks/useResource';

const PAGE_SIZE = 50;
const ACTION_PATTERN = /^[a-z]+\.[a-z-]+$/;
const FILTERS = ['actor', 'action', 'tenant', 'since'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

/** The audit trail, filtered by actor, action, tenant and time, a page at a time. */
export function AuditPage() {
  const [params, setParams] = useSearchParams();
  const filters = Object.fromEntries(FILTERS.map((key) => [key, params.get(key) ?? ''])) as Filters;
  const [draft, setDraft] = useState<Filters>(filters);
  const actionInvalid = draft.action !== '' && !ACTION_PATTERN.test(draft.action);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    if (actionInvalid) return;
    const next = new URLSearchParams();
    for (const key of FILTERS) if (draft[key].trim()) next.set(key, draft[key].trim());
    setParams(next);
  };

  return (
    <>
      <PageHeader title="Audit log" description="Who changed what, newest first." />
      <Box component="form" onSubmit={apply} mb="md" aria-label="Filter the audit log">
        <Group align="flex-start">
          <TextInput
            label="Actor"
            value={draft.actor}
            onChange={(e) => setDraft({ ...draft, actor: e.currentTarget.value })}
            w={200}
            data-testid="audit-filter-actor"
          />
          <TextInput
            label="Action"
            description="like tenant.create"
            value={draft.action}
            error={actionInvalid ? 'An action looks like tenant.create' : undefined}
            onChange={(e) => setDraft({ ...draft, action: e.currentTarget.value })}
            w={200}
            data-testid="audit-filter-action"
          />
          <TextInput
            label="Tenant"
            description="slug or id (or a run id)"
            value={draft.tenant}
            onChange={(e) => setDraft({ ...draft, tenant: e.currentTarget.value })}
            w={200}
            data-testid="audit-filter-tenant"
          />
          <TextInput
            label="Since"
            description="your local time"
            type="datetime-local"
            value={draft.since}
            onChange={(e) => setDraft({ ...draft, since: e.currentTarget.value })}
            w={220}
            data-testid="audit-filter-since"
          />
          <Button type="submit" mt={25} data-testid="audit-apply">
            Apply
          </Button>
        </Group>
      </Box>
      <AuditPages key={params.toString()} filters={filters} />
    </>
  );
}

/** Pages of the trail for one set of filters: older with the API's cursor, newer back down the stack. */
function AuditPages({ filters }: { filters: Filters }) {
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const { data, error, loading, reload } = useResource(
    resources.audit({
      actor: filters.actor || undefined,
      action: filters.action || undefined,
      target: filters.tenant || undefined,
      since: sinceParam(filters.since),
      limit: PAGE_SIZE,
      cursor,
    }),
  );
  const entries = data?.items ?? [];
  const since = sinceParam(filters.since);
  const older = data?.nextCursor ?? undefined;

  return (
    <Stack gap="sm">
      <ProblemAlert error={error} onRetry={reload} />
      {!data ? (
        !error && <Loading label="Loading the audit log" />
      ) : (
        <>
          <Text size="sm" role="status">
            Page {cursors.length + 1}: {entries.length} entries
            {since !== undefined ? ' since the chosen time' : ''}
            {loading ? ' (updating…)' : ''}
          </Text>
          <AuditTable entries={entries} testId="audit-table" caption="Audit entries, newest first" />
          <Group>
            <Button
              variant="default"
              disabled={!cursors.length}
              onClick={() => setCursors(cursors.slice(0, -1))}
              data-testid="audit-newer"
            >
              Newer
            </Button>
            <Button
              variant="default"
              disabled={!older}
              onClick={() => older && setCursors([...cursors, older])}
              data-testid="audit-older"
            >
              Older
            </Button>
          </Group>
        </>
      )}
    </Stack>
  );
}

/** The datetime-local input's value (the browser's local time) as the API's ISO 8601 instant. */
function sinceParam(value: string): string | undefined {
  const time = value ? new Date(value) : undefined;
  return time && !Number.isNaN(time.getTime()) ? time.toISOString() : undefined;
}
