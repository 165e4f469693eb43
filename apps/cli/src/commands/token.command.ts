import { Command, InvalidArgumentError } from 'commander';
import { TokenIssuer } from '@switchyard/auth';
import { TenantsService } from '@switchyard/control-plane';
import { DomainError } from '@switchyard/errors';
import { withCliContext } from '../runtime';

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive number of seconds');
  return n;
}

export function tokenCommand(): Command {
  return new Command('token')
    .description('mint a development JWT for a tenant (or an ops token with --ops) with the configured key')
    .argument('[slug]', 'tenant slug or id (not needed with --ops)')
    .option('--ops', 'an operator token for the control-plane API')
    .option('--sub <sub>', 'subject claim', 'dev-user')
    .option('--ttl <seconds>', 'lifetime in seconds', seconds, 24 * 3600)
    .action(async (ref: string | undefined, options: { ops?: boolean; sub: string; ttl: number }) => {
      if (!ref && !options.ops) throw new DomainError('VALIDATION_FAILED', 'give a tenant slug, or --ops');
      await withCliContext(async (context) => {
        const tid = ref ? (await context.get(TenantsService).get(ref)).id : undefined;
        const token = context.get(TokenIssuer).issue({
          sub: options.ops ? `ops:${options.sub}` : options.sub,
          tid,
          roles: options.ops ? ['ops'] : undefined,
          expiresInSeconds: options.ttl,
        });
        process.stdout.write(`${token}\n`);
      });
    });
}
