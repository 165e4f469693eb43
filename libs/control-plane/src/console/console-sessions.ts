import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError } from '@switchyard/errors';
import { auditActor } from '../audit/audit-actor';
import type { AuditEntry } from '../audit/audit-log.repository';
import { ConsoleSessionsRepository } from './console-sessions.repository';

/** A sign-in link is for the person who just asked for it: short-lived. */
export const SIGN_IN_CODE_TTL_MS = 5 * 60_000;
/** A working day; signing in again is one command. */
export const CONSOLE_SESSION_TTL_MS = 12 * 3_600_000;

export interface ConsoleSession {
  operator: string;
  /** Echoed in X-CSRF-Token by every state-changing call of this session. */
  csrfToken: string;
  expiresAt: Date;
}

export interface OpenedConsoleSession extends ConsoleSession {
  /** The cookie's value: shown once, stored only as a digest. */
  token: string;
}

const secret = () => randomBytes(32).toString('base64url');
const digest = (value: string) => createHash('sha256').update(value).digest('hex');
const SECRET_FORMAT = /^[A-Za-z0-9_-]{43}$/;

function signInEntry(operator: string, method: 'link' | 'token'): AuditEntry {
  return {
    ...auditActor(operator),
    action: 'console.sign-in',
    target: null,
    outcome: 'succeeded',
    details: { method },
  };
}

/**
 * The operators' console sign-in: one-time codes (for a printed link), sessions behind an HttpOnly
 * cookie, and their end. Every sign-in and sign-out is in the audit log under the operator.
 */
@Injectable()
export class ConsoleSessions {
  constructor(private readonly sessions: ConsoleSessionsRepository) {}

  /** A one-time code for `operator`, spent by the first sign-in within SIGN_IN_CODE_TTL_MS. */
  async issueCode(operator: string): Promise<{ code: string; expiresAt: Date }> {
    const code = secret();
    const expiresAt = new Date(Date.now() + SIGN_IN_CODE_TTL_MS);
    await this.sessions.addCode(digest(code), auditActor(operator).actor, expiresAt);
    await this.sessions.purgeBefore(new Date(Date.now() - CONSOLE_SESSION_TTL_MS));
    return { code, expiresAt };
  }

  /** Spends a code; one that is unknown, used or expired is refused alike (nothing to learn from it). */
  async signInWithCode(code: string): Promise<OpenedConsoleSession> {
    const opened = this.newSession();
    const session = SECRET_FORMAT.test(code)
      ? await this.sessions.redeemCode(digest(code), { ...opened, tokenHash: digest(opened.token) }, (operator) =>
          signInEntry(operator, 'link'),
        )
      : undefined;
    if (!session)
      throw new DomainError('UNAUTHENTICATED', 'This sign-in link was already used or has expired: ask for a new one');
    return { ...session, token: opened.token };
  }

  /** A session for an operator whose ops token was verified by the caller. */
  async signInAs(operator: string): Promise<OpenedConsoleSession> {
    const opened = this.newSession();
    const actor = auditActor(operator).actor;
    await this.sessions.addSession(
      { tokenHash: digest(opened.token), operator: actor, csrfToken: opened.csrfToken, expiresAt: opened.expiresAt },
      signInEntry(actor, 'token'),
    );
    return { ...opened, operator: actor };
  }

  /** The live session a cookie names, if any. */
  async find(token: string): Promise<ConsoleSession | undefined> {
    if (!SECRET_FORMAT.test(token)) return undefined;
    return this.sessions.findLive(digest(token));
  }

  async signOut(token: string): Promise<void> {
    if (!SECRET_FORMAT.test(token)) return;
    await this.sessions.end(digest(token), (operator) => ({
      ...auditActor(operator),
      action: 'console.sign-out',
      target: null,
      outcome: 'succeeded',
    }));
  }

  private newSession() {
    return { token: secret(), csrfToken: secret(), expiresAt: new Date(Date.now() + CONSOLE_SESSION_TTL_MS) };
  }
}
