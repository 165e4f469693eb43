import { Command } from 'commander';
import type { INestApplication } from '@nestjs/common';
import { createApiApp } from '@apps/api';
import { createControlPlaneApp } from '@apps/control-plane';
import { TokenIssuer } from '@switchyard/auth';
import { ConsoleSessions } from '@switchyard/control-plane';
import { cliActor } from '../cli-audit';
import { signInLink } from '../commands/console.command';
import { exitOnSignals } from '@switchyard/http';
import type { TenantRecord } from '@switchyard/control-plane';
import { redactUrl } from '@switchyard/postgres';
import { openRuntime } from '../runtime';
import { seedDemoTenants } from './demo-seed';

const TOKEN_TTL_SECONDS = 7 * 24 * 3600;

function banner(
  tenants: TenantRecord[],
  tokens: Map<string, string>,
  opsToken: string,
  ports: { api: number; controlPlane: number },
  consoleCode: string,
): string {
  const api = `http://localhost:${ports.api}`;
  const cp = `http://localhost:${ports.controlPlane}`;
  const lines = [
    '',
    'Switchyard is running.',
    `  tenant API         ${api}   (reference: ${api}/docs)`,
    `  control-plane API  ${cp}   (reference: ${cp}/docs)`,
    `  operator console   ${signInLink(cp, consoleCode)}`,
    `                     (a one-time sign-in link; \`npx switchyard console\` prints another)`,
    '',
  ];
  for (const t of tenants) {
    lines.push(`${t.slug} (${t.tier} tier)`);
    lines.push(`  export ${t.slug.toUpperCase()}_TOKEN=${tokens.get(t.slug)}`);
    lines.push(`  curl -s ${api}/v1/tenant -H "Authorization: Bearer $${t.slug.toUpperCase()}_TOKEN"`);
    lines.push(`  curl -s ${api}/v1/employees -H "Authorization: Bearer $${t.slug.toUpperCase()}_TOKEN"`);
    lines.push(`  curl -s ${api}/v1/wellness-summary -H "Authorization: Bearer $${t.slug.toUpperCase()}_TOKEN"`);
    lines.push('');
  }
  lines.push('operator (control plane)');
  lines.push(`  export OPS_TOKEN=${opsToken}`);
  lines.push(`  curl -s ${cp}/v1/tenants -H "Authorization: Bearer $OPS_TOKEN"`);
  lines.push(
    `  curl -s -X POST ${cp}/v1/tenants -H "Authorization: Bearer $OPS_TOKEN" -H 'Content-Type: application/json' -d '{"slug":"umbrella","name":"Umbrella","tier":"schema"}'`,
  );
  lines.push(
    '',
    `Tokens are valid for ${TOKEN_TTL_SECONDS / 86400} days; mint more with: npx switchyard token <slug> [--ops]`,
    'Press Ctrl+C to stop.',
    '',
  );
  return lines.join('\n');
}

export function devCommand(): Command {
  return new Command('dev')
    .description(
      'run everything on one machine: embedded PostgreSQL (unless DATABASE_URL is set), both APIs, demo tenants',
    )
    .option('--no-seed', 'do not create the demo tenants')
    .action(async (options: { seed: boolean }) => {
      const runtime = await openRuntime((line) => console.log(line));
      const { config } = runtime;
      if (!runtime.embedded) console.log(`using PostgreSQL at ${redactUrl(config.databaseUrl)}`);
      const apps: INestApplication[] = [];
      // The tenant API closes before the control plane, whose worker hands a running move back on its way out.
      const running = () => [...apps].reverse();
      exitOnSignals(running, {
        graceMs: config.shutdownGraceMs,
        after: () => runtime.close(),
        log: (line) => console.log(line),
      });
      const shutdown = async () => {
        for (const app of running())
          await app.close().catch((error: unknown) => console.error(`closing: ${String(error)}`));
        await runtime.close();
      };
      try {
        // The quick start brings shared and template to the latest migration; elsewhere that is `migrate`'s.
        const controlPlane = await createControlPlaneApp(config, { migrateTenantTargets: true });
        apps.push(controlPlane);
        const api = await createApiApp(config);
        apps.push(api);
        const tenants = options.seed ? await seedDemoTenants(controlPlane, api) : [];
        await controlPlane.listen(config.ports.controlPlane, '0.0.0.0');
        await api.listen(config.ports.api, '0.0.0.0');
        const issuer = controlPlane.get(TokenIssuer);
        const tokens = new Map(
          tenants.map((t) => [
            t.slug,
            issuer.issue({ sub: `demo-user@${t.slug}`, tid: t.id, expiresInSeconds: TOKEN_TTL_SECONDS }),
          ]),
        );
        const opsToken = issuer.issue({ sub: 'ops:demo', roles: ['ops'], expiresInSeconds: TOKEN_TTL_SECONDS });
        const { code } = await controlPlane.get(ConsoleSessions).issueCode(cliActor().actor);
        console.log(banner(tenants, tokens, opsToken, config.ports, code));
      } catch (error) {
        await shutdown();
        throw error;
      }
    });
}
