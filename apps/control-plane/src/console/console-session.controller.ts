import { Body, Controller, Delete, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { consoleCookieOf, CONSOLE_COOKIE, OpsGuard, refuseCrossSiteWrite, TokenVerifier } from '@switchyard/auth';
import { ConsoleSessions, type ConsoleSession, type OpenedConsoleSession } from '@switchyard/control-plane';
import { DomainError } from '@switchyard/errors';
import { ApiDoc, ZodValidationPipe } from '@switchyard/http';
import type { Request, Response } from 'express';
import { stringifySetCookie } from 'cookie';
import { z } from 'zod';
import { Audited } from '../audit/audited.decorator';
import { consoleSessionResponse } from '../control-plane.responses';

const signInBody = z.union([
  z.strictObject({ code: z.string().min(1).max(128) }),
  z.strictObject({ token: z.string().min(1).max(8192) }),
]);

function sessionView(session: ConsoleSession) {
  return { operator: session.operator, csrfToken: session.csrfToken, expiresAt: session.expiresAt };
}

/** The cookie: HttpOnly (no script reads it), SameSite=Strict (no other site sends it), the whole API. */
function setSessionCookie(request: Request, response: Response, value: string, maxAgeSeconds: number): void {
  response.setHeader(
    'Set-Cookie',
    stringifySetCookie(CONSOLE_COOKIE, value, {
      httpOnly: true,
      sameSite: 'strict',
      // Over HTTPS, directly or behind a proxy that ends TLS (a client can only add the flag this way).
      secure: request.secure || request.headers['x-forwarded-proto'] === 'https',
      path: '/',
      maxAge: maxAgeSeconds,
    }),
  );
  response.setHeader('Cache-Control', 'no-store');
}

/**
 * The console's sign-in: a one-time code from `switchyard console` or an ops token buys a session
 * cookie; its CSRF token is handed to the page, which echoes it on every state-changing call.
 */
@Controller('v1/console/session')
export class ConsoleSessionController {
  constructor(
    private readonly sessions: ConsoleSessions,
    private readonly tokens: TokenVerifier,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiDoc({
    summary: 'Sign in to the console with a one-time code or an ops token; sets the session cookie',
    response: consoleSessionResponse,
    errors: ['UNAUTHENTICATED', 'FORBIDDEN'],
  })
  @Audited({ action: 'console.sign-in' })
  async signIn(
    @Body(new ZodValidationPipe(signInBody, 'body')) body: z.infer<typeof signInBody>,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    // Another page must not sign this browser in as someone else (login CSRF).
    refuseCrossSiteWrite(request, undefined);
    const session =
      'code' in body ? await this.sessions.signInWithCode(body.code) : await this.signInWithToken(body.token);
    setSessionCookie(request, response, session.token, Math.floor((session.expiresAt.getTime() - Date.now()) / 1000));
    return sessionView(session);
  }

  @Get()
  @ApiDoc({
    summary: 'The console session of this browser: operator, CSRF token, expiry',
    response: consoleSessionResponse,
    errors: ['UNAUTHENTICATED'],
  })
  async current(@Req() request: Request, @Res({ passthrough: true }) response: Response) {
    const cookie = consoleCookieOf(request.headers);
    const session = cookie === undefined ? undefined : await this.sessions.find(cookie);
    if (!session) throw new DomainError('UNAUTHENTICATED', 'Not signed in to the console');
    response.setHeader('Cache-Control', 'no-store');
    return sessionView(session);
  }

  @Delete()
  @HttpCode(204)
  @UseGuards(OpsGuard)
  @ApiDoc({ summary: 'Sign out of the console: the session ends at once', errors: ['UNAUTHENTICATED'] })
  async signOut(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<void> {
    const cookie = consoleCookieOf(request.headers);
    if (cookie !== undefined) await this.sessions.signOut(cookie);
    setSessionCookie(request, response, '', 0);
  }

  private async signInWithToken(token: string): Promise<OpenedConsoleSession> {
    const claims = this.tokens.verifyToken(token);
    if (!claims.roles?.includes('ops'))
      throw new DomainError('FORBIDDEN', 'The console needs a token with the ops role');
    return this.sessions.signInAs(claims.sub);
  }
}
