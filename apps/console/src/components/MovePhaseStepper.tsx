import { Stepper } from '@mantine/core';
import type { MoveState } from '../api-types';
import { words } from '../format';

/** The phases a move goes through, in order; `pending` is before the first. */
const PHASES = ['copying', 'catching_up', 'cutover', 'verifying', 'cleaning_up', 'done'] as const;

const HELP: Record<(typeof PHASES)[number], string> = {
  copying: 'rows are copied while the tenant keeps serving',
  catching_up: 'changes made meanwhile are applied',
  cutover: 'writes pause; the placement switches',
  verifying: 'both sides are compared',
  cleaning_up: 'the old copy is removed',
  done: 'the tenant lives at its new place',
};

interface MovePhaseStepperProps {
  state: MoveState;
  /** The last phase seen before a failure or cancellation, to show where it stopped. */
  lastPhase: MoveState | undefined;
}

export function MovePhaseStepper({ state, lastPhase }: MovePhaseStepperProps) {
  const stopped = state === 'failed' || state === 'cancelled';
  const at = stopped ? lastPhase : state;
  const index = at === undefined || at === 'pending' ? 0 : PHASES.indexOf(at as (typeof PHASES)[number]);
  // Done: every step is complete (the index past the last).
  const active = state === 'done' ? PHASES.length : Math.max(0, index);
  return (
    <Stepper
      active={active}
      color={stopped ? 'red' : undefined}
      size="sm"
      allowNextStepsSelect={false}
      data-testid="move-stepper"
    >
      {PHASES.map((phase) => (
        <Stepper.Step key={phase} label={words(phase)} description={HELP[phase]} />
      ))}
    </Stepper>
  );
}
