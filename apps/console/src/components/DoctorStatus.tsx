import { Badge, Text } from '@mantine/core';
import type { Overview } from '../api-types';
import { formatDateTime, formatNumber } from '../format';

/** The doctor's verdict on the overview: no findings, or how many (errors and warnings). */
export function DoctorStatus({ doctor }: { doctor: Overview['doctor'] }) {
  const errors = doctor.errors;
  const warnings = doctor.warnings;
  const total = doctor.findings ?? (errors ?? 0) + (warnings ?? 0);
  return (
    <>
      {doctor.ok ? (
        <Badge color="teal" variant="filled" size="lg" data-testid="doctor-status">
          no findings
        </Badge>
      ) : (
        <Badge color="red" variant="filled" size="lg" data-testid="doctor-status">
          {formatNumber(total)} findings
        </Badge>
      )}
      {!doctor.ok && errors !== undefined && warnings !== undefined && (
        <Text size="sm" mt="xs">
          {formatNumber(errors)} errors, {formatNumber(warnings)} warnings
        </Text>
      )}
      {doctor.checkedAt && (
        <Text size="sm" c="dimmed" mt="xs">
          {doctor.checkedTargets !== undefined ? `${formatNumber(doctor.checkedTargets)} places checked, ` : ''}
          {formatDateTime(doctor.checkedAt)}
        </Text>
      )}
    </>
  );
}
