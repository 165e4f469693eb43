import { Button, Group, Modal, Text, type ButtonProps } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useState, type ReactNode } from 'react';
import { ProblemAlert } from './ProblemAlert';

interface ConfirmButtonProps extends ButtonProps {
  /** What the confirmation asks. */
  question: string;
  explanation: ReactNode;
  confirmLabel: string;
  onConfirm: () => Promise<unknown>;
  testId?: string;
}

/** A button that asks first, then runs its action, showing the API's problem if it fails. */
export function ConfirmButton({
  question,
  explanation,
  confirmLabel,
  onConfirm,
  testId,
  children,
  ...button
}: ConfirmButtonProps & { children: ReactNode }) {
  const [opened, { open, close }] = useDisclosure(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const confirm = () => {
    setBusy(true);
    setError(undefined);
    onConfirm().then(
      () => {
        setBusy(false);
        close();
      },
      (e: unknown) => {
        setBusy(false);
        setError(e);
      },
    );
  };

  return (
    <>
      <Button {...button} onClick={open} data-testid={testId}>
        {children}
      </Button>
      <Modal opened={opened} onClose={close} title={question} centered>
        <Text size="sm" mb="md">
          {explanation}
        </Text>
        <ProblemAlert error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            Keep as is
          </Button>
          <Button color={button.color} onClick={confirm} loading={busy} data-testid={testId && `${testId}-confirm`}>
            {confirmLabel}
          </Button>
        </Group>
      </Modal>
    </>
  );
}
