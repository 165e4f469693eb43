import { userInfo } from 'node:os';
import type { INestApplicationContext } from '@nestjs/common';
import { AuditLogRepository } from '@switchyard/control-plane';
import { isDomainError } from '@switchyard/errors';

/** Who runs the CLI, as recorded in the audit trail. */
export const cliActor = (): string => `cli:${userInfo().username}`;

/** Runs a control-plane action and appends its outcome to the audit trail, like the HTTP API does. */
export async function audited<T>(
  context: INestApplicationContext,
  action: string,
  target: string | null,
  fn: () => Promise<T>,
  describe: { targetOf?: (result: T) => string | null; failed?: (result: T) => boolean } = {},
): Promise<T> {
  const audit = context.get(AuditLogRepository);
  try {
    const result = await fn();
    const outcome = describe.failed?.(result) ? 'failed' : 'succeeded';
    await audit.append({ actor: cliActor(), action, target: describe.targetOf?.(result) ?? target, outcome });
    return result;
  } catch (error) {
    const details = { code: isDomainError(error) ? error.code : 'ERROR', message: error instanceof Error ? error.message : String(error) };
    await audit.append({ actor: cliActor(), action, target, outcome: 'failed', details }).catch(() => undefined);
    throw error;
  }
}
