import { FINDING_CODES } from '@switchyard/doctor';
import { z } from 'zod';

export const doctorReport = z.strictObject({
  ok: z.boolean().describe('No finding at all (warnings included)'),
  checkedTargets: z.number().int().describe('Places whose catalogs were read: fleet targets and the control plane'),
  findings: z.array(
    z.strictObject({
      severity: z.enum(['error', 'warning']),
      code: z.enum(FINDING_CODES),
      target: z
        .string()
        .describe('A fleet target key (shared:primary/db, schema:<tenant id>, …), server:<name> or control-plane:…'),
      object: z.string().describe('A qualified object name: t_….employees, role app, database sy_t_…'),
      message: z.string(),
    }),
  ),
});
