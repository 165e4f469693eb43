/** Who performs a control-plane action: passed from the API (token `sub`) or the CLI (`cli:<os user>`). */
export interface AuditActor {
  actor: string;
}

/** Work nobody asked for by name (the move worker, seeding, tests calling services directly). */
export const SYSTEM_ACTOR: AuditActor = { actor: 'system' };

const MAX_AUDIT_TEXT = 256;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Text from outside (a token subject, a reference as typed) made safe to store and to print: control
 * characters escaped as `\uXXXX`, lone surrogates replaced, at most 256 characters. Idempotent, so a
 * value already stored (a move's `requested_by`) can pass through it again unchanged.
 */
export function auditText(value: string, max = MAX_AUDIT_TEXT): string {
  const escaped = value
    .replace(LONE_SURROGATE, '\ufffd')
    // eslint-disable-next-line no-control-regex -- matching control characters is the point: they are escaped
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return Array.from(escaped).slice(0, max).join('');
}

/** The actor of a request: a missing or empty subject is recorded as `unknown`, never refused. */
export function auditActor(subject: string | null | undefined): AuditActor {
  return { actor: subject ? auditText(subject) : 'unknown' };
}
