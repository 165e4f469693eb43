import { AppShell, Burger, Button, Group, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useState } from 'react';
import { Link, Outlet } from 'react-router';
import { useSession } from '../session/session-context';
import { Navigation } from './Navigation';

/** Header (who is signed in, sign out), sidebar of sections, and the page in the one <main>. */
export function ConsoleLayout() {
  const { session, signOut } = useSession();
  const [opened, { toggle, close }] = useDisclosure();
  const [signingOut, setSigningOut] = useState(false);

  const leave = () => {
    setSigningOut(true);
    // Signed out here whatever the API answers: the pages go back to the sign-in.
    signOut()
      .catch((error: unknown) => console.error(error))
      .finally(() => setSigningOut(false));
  };

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={opened ? 'Close navigation' : 'Open navigation'}
            />
            <Text component={Link} to="/" fw={700} size="lg" c="dark.9" td="none" style={{ whiteSpace: 'nowrap' }}>
              Switchyard
              <Text span inherit visibleFrom="sm">
                {' '}
                console
              </Text>
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Text size="sm" ta="right">
              <Text span inherit visibleFrom="sm">
                Signed in as{' '}
              </Text>
              <Text span fw={600} inherit data-testid="signed-in-operator">
                {session?.operator}
              </Text>
            </Text>
            <Button variant="default" size="xs" onClick={leave} loading={signingOut} data-testid="sign-out">
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Console sections">
        <Navigation onNavigate={close} />
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
