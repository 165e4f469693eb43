import { Alert, Anchor, Button, Group, Progress, SimpleGrid, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { actions, resources, streams } from '../api';
import { TERMINAL_MOVE_STATES, type Move, type MoveState } from '../api-types';
import { Loading } from '../components/Loading';
import { MovePhaseStepper } from '../components/MovePhaseStepper';
import { MoveVerificationView } from '../components/MoveVerificationView';
import { PageHeader } from '../components/PageHeader';
import { ProblemAlert } from '../components/ProblemAlert';
import { Section } from '../components/Section';
import { StateBadge } from '../components/StateBadge';
import { formatDateTime, formatDuration, formatMs, formatNumber, percent, secondsBetween, words } from '../format';
import { useResource } from '../hooks/useResource';
import { useLiveResource, type LiveMode } from '../sse';

const moveFinished = (move: Move) => TERMINAL_MOVE_STATES.includes(move.state);
/** Before the cutover a move can still be called off; the tenant then stays where it was. */
const CANCELLABLE: readonly MoveState[] = ['pending', 'copying', 'catching_up'];

const LIVE_LABEL: Record<LiveMode, string> = {
  connecting: 'connecting…',
  streaming: 'live',
  polling: 'refreshing every 2 s',
  ended: 'finished',
};

export function MovePage() {
  const { id = '' } = useParams();
  return <LiveMove key={id} id={id} />;
}

/** One move, live: its phase, rows copied, freeze, a Cancel button before the cutover, and its result. */
function LiveMove({ id }: { id: string }) {
  const live = useLiveResource({
    path: resources.move(id).path,
    stream: streams.move(id),
    event: 'move',
    finished: moveFinished,
  });
  const move = live.data;
  const tenant = useResource(move ? resources.tenant(move.tenantId) : null);
  const [lastPhase, setLastPhase] = useState<MoveState>();
  if (move && !TERMINAL_MOVE_STATES.includes(move.phase) && move.phase !== lastPhase) setLastPhase(move.phase);
  const [cancelling, setCancelling] = useState(false);
  const [cancelError, setCancelError] = useState<unknown>();

  const cancel = () => {
    setCancelling(true);
    setCancelError(undefined);
    actions.cancelMove(id).then(
      () => setCancelling(false),
      (error: unknown) => {
        setCancelling(false);
        setCancelError(error);
      },
    );
  };

  if (!move)
    return (
      <>
        <PageHeader title="Move" />
        <ProblemAlert error={live.error} />
        {!live.error && <Loading label="Loading the move" />}
      </>
    );

  const slug = tenant.data?.slug;
  const finished = moveFinished(move);
  const cancellable = CANCELLABLE.includes(move.state) && !move.cancelRequested;

  return (
    <>
      <PageHeader
        title={`Move of ${slug ?? move.tenantId}`}
        description={`${move.from.tier} on ${move.from.server} → ${move.to.tier} on ${move.to.server}`}
        extra={<StateBadge value={move.state} testId="move-state" />}
        actions={
          cancellable ? (
            <Button color="red" variant="outline" onClick={cancel} loading={cancelling} data-testid="move-cancel">
              Cancel move
            </Button>
          ) : undefined
        }
      />
      <ProblemAlert error={cancelError} title="The move was not cancelled" />
      <ProblemAlert error={live.error} />
      <Stack>
        <Section title="Progress" testId="move-progress">
          <Text size="sm" mb="sm">
            Phase:{' '}
            <Text span fw={700} inherit data-testid="move-phase" data-phase={move.phase}>
              {words(move.phase)}
            </Text>{' '}
            · updates {LIVE_LABEL[live.mode]}
            {move.cancelRequested && !finished ? ' · cancel requested' : ''}
          </Text>
          <MovePhaseStepper state={move.state} lastPhase={lastPhase} />
          <SimpleGrid cols={{ base: 1, sm: 3 }} mt="lg">
            <Stack gap={4}>
              <Text size="sm" c="dimmed">
                Rows copied
              </Text>
              <Text fw={700} data-testid="move-rows">
                {formatNumber(move.rowsCopied)} / {formatNumber(move.rowsTotal)}
              </Text>
              <Progress
                value={percent(move.rowsCopied, move.rowsTotal)}
                aria-label="Rows copied"
                data-testid="move-rows-progress"
              />
            </Stack>
            <Stack gap={4}>
              <Text size="sm" c="dimmed">
                Writes frozen at the cutover
              </Text>
              <Text fw={700} data-testid="move-freeze">
                {move.freezeMs === null ? 'not yet' : formatMs(move.freezeMs)}
              </Text>
            </Stack>
            <Stack gap={4}>
              <Text size="sm" c="dimmed">
                {finished ? 'Took' : 'Running for'}
              </Text>
              <Text fw={700} data-testid="move-duration">
                {formatDuration(secondsBetween(move.startedAt, move.finishedAt))}
              </Text>
            </Stack>
          </SimpleGrid>
        </Section>
        {finished && (
          <Section title="Result" testId="move-result">
            {move.state === 'done' && (
              <Alert color="teal" title="Done">
                The tenant now lives in the {move.to.tier} tier on {move.to.server}.
              </Alert>
            )}
            {move.state === 'cancelled' && (
              <Alert color="gray" title="Cancelled">
                The tenant stayed where it was; the partial copy is removed.
              </Alert>
            )}
            {move.error && (
              <Alert color="red" title="Failed" data-testid="move-error">
                {move.error}
              </Alert>
            )}
            {move.verification && <MoveVerificationView verification={move.verification} />}
          </Section>
        )}
        <Section title="Details">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Text size="sm">
              From: {move.from.tier} · {move.from.server}/{move.from.database}/{move.from.schema}
            </Text>
            <Text size="sm">
              To: {move.to.tier} · {move.to.server}/{move.to.database}/{move.to.schema}
            </Text>
            <Text size="sm">Started: {formatDateTime(move.startedAt)}</Text>
            <Text size="sm">Finished: {formatDateTime(move.finishedAt)}</Text>
            <Text size="sm">Requested by: {move.requestedBy ?? 'unknown'}</Text>
            <Group gap={4}>
              <Text size="sm">Tenant:</Text>
              <Anchor component={Link} to={`/tenants/${slug ?? move.tenantId}`} size="sm">
                {slug ?? move.tenantId}
              </Anchor>
            </Group>
          </SimpleGrid>
        </Section>
      </Stack>
    </>
  );
}
