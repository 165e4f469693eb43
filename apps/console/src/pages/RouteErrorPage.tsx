import { Alert, Anchor, Container, Text, Title } from '@mantine/core';
import { useEffect } from 'react';
import { isRouteErrorResponse, Link, useRouteError } from 'react-router';

/** What a page that crashed shows instead of a blank screen. */
export function RouteErrorPage() {
  const error = useRouteError();
  useEffect(() => {
    console.error(error);
    document.title = 'Error · Switchyard console';
  }, [error]);
  const message = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : error instanceof Error
      ? error.message
      : String(error);
  return (
    <Container component="main" size="sm" py="xl">
      <Title order={1} mb="md">
        This page failed
      </Title>
      <Alert color="red" title="Error" mb="md">
        <Text size="sm">{message}</Text>
      </Alert>
      <Anchor component={Link} to="/">
        Back to the overview
      </Anchor>
    </Container>
  );
}
