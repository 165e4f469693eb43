import { Injectable } from '@nestjs/common';
import { and, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import { ControlPlaneDatabase } from '../control-plane-database';
import { consoleSessions, consoleSignInCodes } from '../schema/control-plane.schema';
import { appendAudit, type AuditEntry } from '../audit/audit-log.repository';

export interface StoredConsoleSession {
  operator: string;
  csrfToken: string;
  expiresAt: Date;
}

/** All SQL on console sign-in codes and sessions. Only digests of codes and session tokens are stored. */
@Injectable()
export class ConsoleSessionsRepository {
  constructor(private readonly database: ControlPlaneDatabase) {}

  async addCode(codeHash: string, operator: string, expiresAt: Date): Promise<void> {
    await this.database.db.insert(consoleSignInCodes).values({ codeHash, operator, expiresAt });
  }

  /**
   * Spends a code and opens its session in one transaction, with the sign-in's audit entry: a code is
   * spent once (the UPDATE's row lock makes a second redeemer find it used), and only before it expires.
   */
  async redeemCode(
    codeHash: string,
    session: { tokenHash: string; csrfToken: string; expiresAt: Date },
    audit: (operator: string) => AuditEntry,
  ): Promise<StoredConsoleSession | undefined> {
    return this.database.db.transaction(async (tx) => {
      const [code] = await tx
        .update(consoleSignInCodes)
        .set({ usedAt: sql`now()` })
        .where(
          and(
            eq(consoleSignInCodes.codeHash, codeHash),
            isNull(consoleSignInCodes.usedAt),
            gt(consoleSignInCodes.expiresAt, sql`now()`),
          ),
        )
        .returning({ operator: consoleSignInCodes.operator });
      if (!code) return undefined;
      await tx.insert(consoleSessions).values({ ...session, operator: code.operator });
      await appendAudit(tx, audit(code.operator));
      return { operator: code.operator, csrfToken: session.csrfToken, expiresAt: session.expiresAt };
    });
  }

  /** Opens a session for an operator already authenticated (an ops token), with its audit entry. */
  async addSession(
    session: { tokenHash: string; operator: string; csrfToken: string; expiresAt: Date },
    audit: AuditEntry,
  ): Promise<void> {
    await this.database.db.transaction(async (tx) => {
      await tx.insert(consoleSessions).values(session);
      await appendAudit(tx, audit);
    });
  }

  async findLive(tokenHash: string): Promise<StoredConsoleSession | undefined> {
    const [row] = await this.database.db
      .select({
        operator: consoleSessions.operator,
        csrfToken: consoleSessions.csrfToken,
        expiresAt: consoleSessions.expiresAt,
      })
      .from(consoleSessions)
      .where(
        and(
          eq(consoleSessions.tokenHash, tokenHash),
          isNull(consoleSessions.endedAt),
          gt(consoleSessions.expiresAt, sql`now()`),
        ),
      );
    return row;
  }

  /** Ends a live session with its audit entry; false when it had already ended. */
  async end(tokenHash: string, audit: (operator: string) => AuditEntry): Promise<boolean> {
    return this.database.db.transaction(async (tx) => {
      const [row] = await tx
        .update(consoleSessions)
        .set({ endedAt: sql`now()` })
        .where(and(eq(consoleSessions.tokenHash, tokenHash), isNull(consoleSessions.endedAt)))
        .returning({ operator: consoleSessions.operator });
      if (!row) return false;
      await appendAudit(tx, audit(row.operator));
      return true;
    });
  }

  /** Forgets codes and sessions that can no longer be used. */
  async purgeBefore(before: Date): Promise<void> {
    await this.database.db
      .delete(consoleSignInCodes)
      .where(or(lt(consoleSignInCodes.expiresAt, before), lt(consoleSignInCodes.usedAt, before)));
    await this.database.db
      .delete(consoleSessions)
      .where(or(lt(consoleSessions.expiresAt, before), lt(consoleSessions.endedAt, before)));
  }
}
