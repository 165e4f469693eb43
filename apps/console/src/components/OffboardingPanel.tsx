import { Alert, Group, Stack, Text } from '@mantine/core';
import type { Offboarding } from '../api-types';
import { formatDateTime } from '../format';
import { ConfirmButton } from './ConfirmButton';
import { StateBadge } from './StateBadge';

/** The offboardings the tenant page shows: one waiting for its grace period or being erased. */
export const ACTIVE_OFFBOARDING: readonly Offboarding['state'][] = ['scheduled', 'erasing'];

/**
 * A tenant's latest offboarding: when it will be (or was) erased, who asked, whether an archive is
 * written first; during the grace period, the cancel that resumes the tenant.
 */
export function OffboardingPanel({
  offboarding,
  onCancel,
}: {
  offboarding: Offboarding;
  onCancel: (id: string) => Promise<unknown>;
}) {
  const o = offboarding;
  return (
    <Stack gap="xs" data-testid="tenant-offboarding">
      <Group gap="sm">
        <StateBadge value={o.state} testId="offboarding-state" />
        <Text size="sm">
          Requested by {o.requestedBy} on {formatDateTime(o.requestedAt)} (grace {o.grace})
        </Text>
      </Group>
      {o.state === 'scheduled' && (
        <Alert color="red" variant="light" title="This tenant will be erased">
          <Text size="sm" data-testid="offboarding-erase-after">
            Erased everywhere after {formatDateTime(o.eraseAfter)}
            {o.export.requested ? ', once its archive is written' : ''}. It stays suspended until then; cancel to resume
            it with its data.
          </Text>
        </Alert>
      )}
      {o.state === 'erasing' && (
        <Text size="sm">Erasing since {formatDateTime(o.startedAt)}: it can no longer be cancelled.</Text>
      )}
      {o.state === 'done' && (
        <Text size="sm">Erased on {formatDateTime(o.finishedAt)}; the proof is in the audit log.</Text>
      )}
      {o.state === 'cancelled' && <Text size="sm">Cancelled by {o.cancelledBy ?? 'an operator'}.</Text>}
      {o.error && (
        <Text size="sm" c="red.9">
          {o.error}
        </Text>
      )}
      {o.state === 'scheduled' && (
        <Group>
          <ConfirmButton
            variant="outline"
            question={`Cancel the offboarding of ${o.tenantSlug}?`}
            explanation="Nothing is erased; the tenant gets back the status it had and serves again."
            confirmLabel="Cancel the offboarding"
            onConfirm={() => onCancel(o.id)}
            testId="offboarding-cancel"
          >
            Cancel offboarding
          </ConfirmButton>
        </Group>
      )}
    </Stack>
  );
}
