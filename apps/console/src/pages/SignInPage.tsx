import { Button, Code, Container, Loader, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { ProblemAlert } from '../components/ProblemAlert';
import { useSession } from '../session/session-context';

/** The one-time code of a sign-in link (`/console/sign-in#code=…`), if the page was opened with one. */
function codeInLink(): string | undefined {
  return new URLSearchParams(window.location.hash.slice(1)).get('code') ?? undefined;
}

/** Takes the code out of the address bar and the history, so it is not left behind or shared. */
function forgetLinkCode(): void {
  if (window.location.hash)
    window.history.replaceState(window.history.state, '', `${window.location.pathname}${window.location.search}`);
}

export function SignInPage() {
  const { status, signIn, error: sessionError } = useSession();
  const navigate = useNavigate();
  const from = (useLocation().state as { from?: string } | null)?.from;
  const [code, setCode] = useState(codeInLink);
  const [codeError, setCodeError] = useState<unknown>();
  /** The code last sent: a code works once, and React runs effects twice in development. */
  const codeSent = useRef<string>(undefined);
  const [token, setToken] = useState('');
  const [tokenBusy, setTokenBusy] = useState(false);
  const [tokenError, setTokenError] = useState<unknown>();

  useEffect(() => {
    document.title = 'Sign in · Switchyard console';
  }, []);

  // A link opened in a tab already on this page changes only the fragment: no new page load.
  useEffect(() => {
    const onHashChange = () => {
      const next = codeInLink();
      if (!next) return;
      setCodeError(undefined);
      setCode(next);
    };
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);

  useEffect(() => {
    if (!code) return;
    forgetLinkCode();
    if (codeSent.current === code) return;
    codeSent.current = code;
    signIn({ code }).then(() => navigate('/', { replace: true }), setCodeError);
  }, [code, signIn, navigate]);

  const signInWithToken = (event: FormEvent) => {
    event.preventDefault();
    setTokenBusy(true);
    setTokenError(undefined);
    signIn({ token: token.trim() }).then(
      () => {
        setToken('');
        void navigate(from ?? '/', { replace: true });
      },
      (error: unknown) => {
        setTokenBusy(false);
        setTokenError(error);
      },
    );
  };

  const usingCode = Boolean(code) && !codeError;
  if (status === 'signed-in' && !code && !tokenBusy) return <Navigate to={from ?? '/'} replace />;

  return (
    <Container component="main" size={460} py={60}>
      <Title order={1} size="h2" mb="xs">
        Sign in to the Switchyard console
      </Title>
      <Text mb="lg">
        Run <Code>switchyard console</Code> on a machine that can reach the control plane: it prints a one-time sign-in
        link. Or paste an ops token below.
      </Text>
      {usingCode && (
        <Paper withBorder p="md" mb="md" role="status" data-testid="sign-in-code-progress">
          <Stack align="center" gap="xs">
            <Loader size="sm" aria-hidden="true" />
            <Text>Signing you in…</Text>
          </Stack>
        </Paper>
      )}
      <ProblemAlert error={sessionError} title="Your session could not be checked" />
      <ProblemAlert error={codeError} title="This sign-in link did not work" />
      {codeError !== undefined && (
        <Text size="sm" mb="md">
          A link works once and for a few minutes: run <Code>switchyard console</Code> again for a new one.
        </Text>
      )}
      <Paper withBorder p="md" component="form" onSubmit={signInWithToken} aria-label="Sign in with an ops token">
        <Stack>
          <PasswordInput
            label="Ops token"
            description="A JWT with the ops role. It is sent once to open a session and is not kept by this page."
            autoComplete="off"
            value={token}
            onChange={(event) => setToken(event.currentTarget.value)}
            required
            data-testid="sign-in-token"
          />
          <ProblemAlert error={tokenError} title="Sign-in refused" />
          <Button type="submit" loading={tokenBusy} disabled={!token.trim() || usingCode} data-testid="sign-in-submit">
            Sign in
          </Button>
        </Stack>
      </Paper>
      <Text size="sm" mt="lg">
        The session is kept in a cookie this page cannot read, and ends when you sign out or it expires.
      </Text>
    </Container>
  );
}
