import { userInfo } from 'node:os';
import { Logger, type INestApplicationContext } from '@nestjs/common';
import { auditActor, RefusalRecorder, type AuditActor, type RefusalSubject } from '@switchyard/control-plane';

/** Who runs the CLI, as recorded in the audit trail. */
export const cliActor = (): AuditActor => auditActor(`cli:${userInfo().username}`);

const logger = new Logger('audit');

/**
 * Runs a control-plane action, like the HTTP API does: its success is recorded by the action itself
 * (pass it `cliActor()`), in the transaction of its effect; a refusal is recorded here, as failed
 * with its code. A refusal that cannot be recorded is logged; the refusal itself is thrown as is.
 */
export async function audited<T>(
  context: INestApplicationContext,
  action: string,
  subject: RefusalSubject,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    await context
      .get(RefusalRecorder)
      .record(cliActor(), action, subject, error)
      .catch((writeError: unknown) => {
        const reason = writeError instanceof Error ? writeError.message : String(writeError);
        logger.error(`the refused ${action} could not be recorded: ${reason}`);
      });
    throw error;
  }
}
