import { Alert, Button, Text } from '@mantine/core';
import { ApiError } from '../api';

interface ProblemAlertProps {
  error: unknown;
  /** Offered as a button when the failure may pass (503, or the API not reachable). */
  onRetry?: () => void;
  title?: string;
}

/** An API error as the operator reads it: the problem's `detail` (or title), and its request id. */
export function ProblemAlert({ error, onRetry, title }: ProblemAlertProps) {
  if (!error) return null;
  const api = error instanceof ApiError ? error : undefined;
  const unavailable = api?.temporarilyUnavailable ?? false;
  const detail = api ? (api.problem.detail ?? api.problem.title ?? api.message) : String(error);
  const heading =
    title ?? (unavailable ? 'Temporarily unavailable, retry' : (api?.problem.title ?? 'Something went wrong'));
  return (
    <Alert color={unavailable ? 'blue' : 'red'} title={heading} mb="md" role="alert" data-testid="problem-alert">
      {unavailable && api?.status === 503 && (
        <Text size="sm">The control plane is temporarily unavailable; retry in a moment.</Text>
      )}
      <Text size="sm">{detail}</Text>
      {api?.problem.requestId && (
        <Text size="xs" c="dimmed" mt={4}>
          Request {api.problem.requestId}
          {api.problem.code ? ` · ${api.problem.code}` : ''}
        </Text>
      )}
      {onRetry && unavailable && (
        <Button size="xs" variant="default" mt="xs" onClick={onRetry}>
          Retry
        </Button>
      )}
    </Alert>
  );
}
