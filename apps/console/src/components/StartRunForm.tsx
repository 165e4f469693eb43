import { Button, Checkbox, Group, NumberInput, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { actions } from '../api';
import { TIERS, type RunOptions, type Tier } from '../api-types';
import { ProblemAlert } from './ProblemAlert';
import { RunPlan } from './RunPlan';

/**
 * A fleet migration run: which tiers, how many canary targets first, how many at once. A preview (dry
 * run) shows the plan; Start is offered once the plan for exactly these options has been seen.
 */
export function StartRunForm() {
  const navigate = useNavigate();
  const [tiers, setTiers] = useState<Tier[]>([...TIERS]);
  const [canary, setCanary] = useState<number | ''>('');
  const [concurrency, setConcurrency] = useState<number | ''>('');
  const [preview, setPreview] = useState<{ runId: string; key: string }>();
  const [busy, setBusy] = useState<'preview' | 'start'>();
  const [error, setError] = useState<unknown>();

  const options: RunOptions = {
    tiers,
    ...(canary === '' ? {} : { canary }),
    ...(concurrency === '' ? {} : { concurrency }),
  };
  const key = JSON.stringify(options);
  const previewed = preview?.key === key;

  const submit = (dryRun: boolean) => {
    setBusy(dryRun ? 'preview' : 'start');
    setError(undefined);
    actions.startRun({ ...options, dryRun }).then(
      (run) => {
        setBusy(undefined);
        if (dryRun) setPreview({ runId: run.id, key });
        else void navigate(`/migrations/runs/${run.id}`);
      },
      (e: unknown) => {
        setBusy(undefined);
        setError(e);
      },
    );
  };

  return (
    <Stack data-testid="start-run-form">
      <Checkbox.Group
        label="Tiers"
        description="The shared and template databases come first, then canary tenants, then the rest."
        value={tiers}
        onChange={(value) => setTiers(value as Tier[])}
      >
        <Group mt="xs">
          {TIERS.map((tier) => (
            <Checkbox key={tier} value={tier} label={tier} data-testid={`run-tier-${tier}`} />
          ))}
        </Group>
      </Checkbox.Group>
      <Group align="flex-start">
        <NumberInput
          label="Canary targets"
          description="Migrated first; if one fails, the rest are skipped."
          min={0}
          max={10_000}
          allowDecimal={false}
          value={canary}
          onChange={(value) => setCanary(typeof value === 'number' ? value : '')}
          w={260}
          data-testid="run-canary"
        />
        <NumberInput
          label="Concurrency"
          description="Targets migrated at once (default: the server's setting)."
          min={1}
          max={64}
          allowDecimal={false}
          value={concurrency}
          onChange={(value) => setConcurrency(typeof value === 'number' ? value : '')}
          w={260}
          data-testid="run-concurrency"
        />
      </Group>
      <ProblemAlert error={error} title="The run did not start" />
      <Group>
        <Button
          variant="default"
          onClick={() => submit(true)}
          loading={busy === 'preview'}
          disabled={!tiers.length}
          data-testid="run-preview"
        >
          Preview (dry run)
        </Button>
        <Button
          onClick={() => submit(false)}
          loading={busy === 'start'}
          disabled={!tiers.length || !previewed}
          data-testid="run-start"
        >
          Start
        </Button>
        {!previewed && (
          <Text size="sm" c="dimmed">
            Preview the plan for these options to start.
          </Text>
        )}
      </Group>
      {preview && previewed && <RunPlan runId={preview.runId} />}
    </Stack>
  );
}
