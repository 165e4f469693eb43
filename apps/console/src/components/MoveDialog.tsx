import { Button, Group, Modal, Radio, Select, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { actions, resources } from '../api';
import { TIERS, type Tier } from '../api-types';
import { useResource } from '../hooks/useResource';
import { MoveEstimateView } from './MoveEstimateView';
import { ProblemAlert } from './ProblemAlert';

/** The placement policy picks the server when none is chosen (no server name can be `*`). */
const ANY_SERVER = '*';

/** Where a tenant goes up to: the next tier (a database tenant can only change server). */
const NEXT_TIER: Record<Tier, Tier> = { shared: 'schema', schema: 'database', database: 'database' };

const TIER_HELP: Record<Tier, string> = {
  shared: 'rows in a shared database, isolated by row-level security',
  schema: 'its own schema in a shared database',
  database: 'its own database',
};

export interface MoveDialogProps {
  /** The tenant to move, where it is now. */
  tenant: { slug: string; tier: Tier; server: string };
  /** The target to start from (an upgrade candidate's suggestion). */
  preset?: { tier: Tier; server?: string | null };
  onClose: () => void;
}

/**
 * Choose a tier and a server, read the estimate, then confirm: the move starts (202) and its live
 * page opens. Rendered only while open, so each opening starts from the preset.
 */
export function MoveDialog({ tenant, preset, onClose }: MoveDialogProps) {
  const navigate = useNavigate();
  const [tier, setTier] = useState<Tier>(preset?.tier ?? NEXT_TIER[tenant.tier]);
  const [server, setServer] = useState<string>(preset?.server ?? ANY_SERVER);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<unknown>();

  const servers = useResource(resources.servers());
  const sameServer = server === ANY_SERVER || server === tenant.server;
  const nothingToDo = tier === tenant.tier && sameServer;
  const estimate = useResource(
    nothingToDo ? null : resources.moveEstimate(tenant.slug, tier, server === ANY_SERVER ? undefined : server),
  );

  const start = () => {
    setStarting(true);
    setError(undefined);
    actions.startMove(tenant.slug, server === ANY_SERVER ? { tier } : { tier, server }).then(
      (move) => navigate(`/moves/${move.id}`),
      (e: unknown) => {
        setStarting(false);
        setError(e);
      },
    );
  };

  return (
    <Modal opened onClose={onClose} title={`Move ${tenant.slug}`} size="lg" centered data-testid="move-dialog">
      <Stack>
        <Text size="sm">
          Now in the <strong>{tenant.tier}</strong> tier on <strong>{tenant.server}</strong>. The tenant keeps serving
          while its rows are copied; writes pause only for the cutover.
        </Text>
        <Radio.Group
          label="Target tier"
          value={tier}
          onChange={(value) => setTier(value as Tier)}
          data-testid="move-tier"
        >
          <Stack gap="xs" mt="xs">
            {TIERS.map((option) => (
              <Radio
                key={option}
                value={option}
                label={`${option}${option === tenant.tier ? ' (current)' : ''}`}
                description={TIER_HELP[option]}
                data-testid={`move-tier-${option}`}
              />
            ))}
          </Stack>
        </Radio.Group>
        <Select
          label="Target server"
          description="Leave it to the placement policy, or choose a registered server."
          data={[
            { value: ANY_SERVER, label: 'Chosen by the placement policy' },
            ...(servers.data?.items ?? []).map((s) => ({ value: s.name, label: `${s.name} (${s.host}:${s.port})` })),
          ]}
          value={server}
          onChange={(value) => setServer(value ?? ANY_SERVER)}
          allowDeselect={false}
          data-testid="move-server"
        />
        {nothingToDo ? (
          <Text size="sm" data-testid="move-estimate">
            The tenant is already there: choose another tier or server.
          </Text>
        ) : (
          <MoveEstimateView estimate={estimate.data} error={estimate.error} loading={estimate.loading} />
        )}
        <ProblemAlert error={error} title="The move did not start" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            onClick={start}
            loading={starting}
            disabled={nothingToDo || estimate.loading}
            data-testid="move-confirm"
          >
            Start the move to {tier}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
