import { Center, Loader, Title, VisuallyHidden } from '@mantine/core';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useSession } from './session-context';

/** Shows its pages to a signed-in operator; sends anyone else to the sign-in, remembering where to. */
export function RequireSession({ children }: { children: ReactNode }) {
  const { status } = useSession();
  const location = useLocation();
  if (status === 'checking')
    return (
      <Center component="main" h="100vh">
        <VisuallyHidden>
          <Title order={1}>Switchyard console</Title>
        </VisuallyHidden>
        <Loader aria-label="Checking your session" />
      </Center>
    );
  if (status === 'signed-out')
    return <Navigate to="/sign-in" replace state={{ from: `${location.pathname}${location.search}` }} />;
  return children;
}
