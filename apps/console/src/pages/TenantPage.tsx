import { Button, Stack } from '@mantine/core';
import { useState } from 'react';
import { useParams } from 'react-router';
import { actions, downloads, resources } from '../api';
import type { UsageWindow } from '../api-types';
import { AuditTable } from '../components/AuditTable';
import { ConfirmButton } from '../components/ConfirmButton';
import { Loading } from '../components/Loading';
import { MoveDialog } from '../components/MoveDialog';
import { MovesTable } from '../components/MovesTable';
import { ACTIVE_OFFBOARDING, OffboardingPanel } from '../components/OffboardingPanel';
import { PageHeader } from '../components/PageHeader';
import { PlacementCard } from '../components/PlacementCard';
import { ProblemAlert } from '../components/ProblemAlert';
import { Section } from '../components/Section';
import { StateBadge } from '../components/StateBadge';
import { UsageCharts } from '../components/UsageCharts';
import { useResource } from '../hooks/useResource';

export function TenantPage() {
  const { slug = '' } = useParams();
  // A new tenant is a new page: nothing of the previous one stays on screen.
  return <TenantDetails key={slug} slug={slug} />;
}

/** One tenant: placement, size, usage, moves and audit trail; suspend, resume, move. */
function TenantDetails({ slug }: { slug: string }) {
  const [usageWindow, setUsageWindow] = useState<UsageWindow>('24h');
  const [moving, setMoving] = useState(false);
  const tenant = useResource(resources.tenant(slug));
  const usage = useResource(resources.usage(slug, usageWindow));
  const moves = useResource(resources.moves({ tenant: slug, limit: 20 }));
  const audit = useResource(resources.audit({ target: slug, limit: 20 }));
  const offboardings = useResource(resources.offboardings(slug));

  if (!tenant.data)
    return (
      <>
        <PageHeader title={slug} />
        <ProblemAlert error={tenant.error} onRetry={tenant.reload} />
        {!tenant.error && <Loading label="Loading the tenant" />}
      </>
    );

  const t = tenant.data;
  const afterChange = () => {
    tenant.reload();
    audit.reload();
    offboardings.reload();
  };
  const latestOffboarding = offboardings.data?.items[0];
  const offboarding = latestOffboarding && ACTIVE_OFFBOARDING.includes(latestOffboarding.state);

  return (
    <>
      <PageHeader
        title={t.name}
        description={`Tenant ${t.slug}`}
        extra={<StateBadge value={t.status} testId="tenant-status" />}
        actions={
          <>
            {t.status === 'active' && (
              <ConfirmButton
                color="red"
                variant="outline"
                question={`Suspend ${t.slug}?`}
                explanation="Its requests are refused until it is resumed. Its data stays where it is."
                confirmLabel="Suspend"
                onConfirm={() => actions.setTenantStatus(t.slug, 'suspended').then(afterChange)}
                testId="tenant-suspend"
              >
                Suspend
              </ConfirmButton>
            )}
            {t.status === 'suspended' && !offboarding && (
              <ConfirmButton
                question={`Resume ${t.slug}?`}
                explanation="Its requests are served again."
                confirmLabel="Resume"
                onConfirm={() => actions.setTenantStatus(t.slug, 'active').then(afterChange)}
                testId="tenant-resume"
              >
                Resume
              </ConfirmButton>
            )}
            <Button
              component="a"
              variant="default"
              href={downloads.tenantArchive(t.slug)}
              download
              data-testid="tenant-export"
            >
              Download archive
            </Button>
            <Button onClick={() => setMoving(true)} data-testid="tenant-move">
              Upgrade / move
            </Button>
          </>
        }
      />
      <ProblemAlert error={tenant.error} onRetry={tenant.reload} />
      <Stack>
        {latestOffboarding && (
          <Section title="Offboarding">
            <OffboardingPanel
              offboarding={latestOffboarding}
              onCancel={(id) => actions.cancelOffboarding(id).then(afterChange)}
            />
          </Section>
        )}
        <ProblemAlert error={offboardings.error} onRetry={offboardings.reload} />
        <Section title="Placement and size">
          <PlacementCard tenant={t} storage={usage.data?.storage} />
        </Section>
        <Section title="Usage">
          <UsageCharts
            usage={usage.data?.window === usageWindow ? usage.data : undefined}
            error={usage.error}
            window={usageWindow}
            onWindowChange={setUsageWindow}
            onRetry={usage.reload}
          />
        </Section>
        <Section title="Moves">
          <ProblemAlert error={moves.error} onRetry={moves.reload} />
          {moves.data ? (
            <MovesTable moves={moves.data.items} caption={`Moves of ${t.slug}, newest first`} testId="tenant-moves" />
          ) : (
            !moves.error && <Loading label="Loading moves" />
          )}
        </Section>
        <Section title="Audit trail">
          <ProblemAlert error={audit.error} onRetry={audit.reload} />
          {audit.data ? (
            <AuditTable entries={audit.data.items} caption={`The last changes to ${t.slug}`} testId="tenant-audit" />
          ) : (
            !audit.error && <Loading label="Loading the audit trail" />
          )}
        </Section>
      </Stack>
      {moving && (
        <MoveDialog
          tenant={{ slug: t.slug, tier: t.tier, server: t.placement.server }}
          onClose={() => setMoving(false)}
        />
      )}
    </>
  );
}
