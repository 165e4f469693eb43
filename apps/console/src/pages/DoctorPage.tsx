import { Alert, Button, Stack, Text } from '@mantine/core';
import { resources } from '../api';
import type { Finding } from '../api-types';
import { FindingGroup } from '../components/FindingGroup';
import { Loading } from '../components/Loading';
import { PageHeader } from '../components/PageHeader';
import { ProblemAlert } from '../components/ProblemAlert';
import { formatNumber } from '../format';
import { useResource } from '../hooks/useResource';

/** Findings grouped by kind, errors first (the API sorts them so). */
function byCode(findings: Finding[]): [string, Finding[]][] {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) groups.set(finding.code, [...(groups.get(finding.code) ?? []), finding]);
  return [...groups];
}

/** The doctor's report: every broken isolation invariant the catalogs show, with what to do. */
export function DoctorPage() {
  const { data, error, loading, reload } = useResource(resources.doctor());
  return (
    <>
      <PageHeader
        title="Doctor"
        description="Reads the catalogs of every server, database and schema, and reports what breaks tenant isolation. It repairs nothing."
        actions={
          <Button variant="default" onClick={reload} loading={loading} data-testid="doctor-rerun">
            Run again
          </Button>
        }
      />
      <ProblemAlert error={error} onRetry={reload} />
      {!data ? (
        !error && <Loading label="Running the doctor" />
      ) : (
        <Stack data-testid="doctor-findings">
          {data.ok ? (
            <Alert color="teal" title="No findings" data-testid="doctor-ok">
              {formatNumber(data.checkedTargets)} places checked: every invariant holds.
            </Alert>
          ) : (
            <Text data-testid="doctor-summary">
              {formatNumber(data.findings.length)} findings (
              {formatNumber(data.findings.filter((f) => f.severity === 'error').length)} errors) in{' '}
              {formatNumber(data.checkedTargets)} places checked.
            </Text>
          )}
          {byCode(data.findings).map(([code, findings]) => (
            <FindingGroup key={code} code={code} findings={findings} />
          ))}
        </Stack>
      )}
    </>
  );
}
