import { Command, InvalidArgumentError } from 'commander';
import { ConsoleSessions, SIGN_IN_CODE_TTL_MS } from '@switchyard/control-plane';
import { cliActor } from '../cli-audit';
import { withCliContext } from '../runtime';

function baseUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
    return url.origin;
  } catch {
    throw new InvalidArgumentError('must be the control plane’s http(s) address, e.g. https://ops.example.com');
  }
}

/** The link a person opens to sign in: the code sits in the fragment, which browsers never send or log. */
export function signInLink(base: string, code: string): string {
  return `${base}/console/sign-in#code=${code}`;
}

export function consoleCommand(): Command {
  return new Command('console')
    .description(
      `print a one-time sign-in link to the operator console (single use, valid ${SIGN_IN_CODE_TTL_MS / 60_000} minutes)`,
    )
    .option('--url <address>', 'the control plane’s address as your browser reaches it', baseUrl)
    .action(async (options: { url?: string }) => {
      await withCliContext(async (context, runtime) => {
        const base = options.url ?? `http://localhost:${runtime.config.ports.controlPlane}`;
        const { code, expiresAt } = await context.get(ConsoleSessions).issueCode(cliActor().actor);
        process.stdout.write(
          `Open this link to sign in as ${cliActor().actor} (once, before ${expiresAt.toISOString()}):\n` +
            `  ${signInLink(base, code)}\n`,
        );
      });
    });
}
