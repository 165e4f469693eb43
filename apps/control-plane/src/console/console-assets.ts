import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { problem, PROBLEM_CONTENT_TYPE, requestIdOf } from '@switchyard/http';
import { Router, static as serveStatic, type Request, type Response } from 'express';

/**
 * The console's pages may run only their own bundle and talk only to this origin. Styles are inline
 * because the component library sets CSS variables at run time.
 */
const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

/** The folder `npm run build` writes the console bundle to: `dist/console` under the package root. */
export function consoleBundleDir(from: string = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist', 'console');
}

function securityHeaders(res: Response): void {
  res.setHeader('Content-Security-Policy', CONSOLE_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
}

/**
 * Serves the console at /console: its hashed assets for a year, and its one page for every other path
 * under /console (the page routes itself), never cached, so a new build is picked up at once.
 */
export function serveConsole(app: NestExpressApplication, bundleDir: string = consoleBundleDir()): void {
  const index = join(bundleDir, 'index.html');
  const router = Router();
  router.use(
    '/console/assets',
    serveStatic(join(bundleDir, 'assets'), {
      immutable: true,
      maxAge: '365d',
      fallthrough: false,
      setHeaders: securityHeaders,
    }),
  );
  router.get(['/console', '/console/{*page}'], (req: Request, res: Response) => {
    if (!existsSync(index)) {
      const detail = 'The console is not built: run `npm run build`';
      res
        .status(404)
        .type(PROBLEM_CONTENT_TYPE)
        .send(JSON.stringify(problem(404, detail, { requestId: requestIdOf(req) })));
      return;
    }
    securityHeaders(res);
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  app.use(router);
}
