import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// Aliases come from tsconfig.base.json, so tests resolve libraries exactly like the compiler does.
const { compilerOptions } = JSON.parse(readFileSync(resolve('tsconfig.base.json'), 'utf8')) as {
  compilerOptions: { paths: Record<string, string[]> };
};
const alias = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([name, targets]) => {
    const [target] = targets;
    if (!target) throw new Error(`tsconfig.base.json: path alias ${name} has no target`);
    return [name, resolve(target)];
  }),
);

export default defineConfig({
  // SWC, not esbuild: Nest's dependency injection needs emitted decorator metadata.
  plugins: [swc.vite({ swcrc: false, module: { type: 'es6' } })],
  resolve: { alias },
  test: {
    include: [
      'apps/**/*.spec.ts',
      'libs/**/*.spec.ts',
      'test/**/*.spec.ts',
      'apps/**/*.int-spec.ts',
      'libs/**/*.int-spec.ts',
      'test/**/*.int-spec.ts',
    ],
    globalSetup: ['libs/testing/src/global-setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    // A condition awaited with expect.poll may take a while on a loaded CI machine (a first doctor run, a
    // page's first render); waiting longer costs nothing when it holds sooner.
    expect: { poll: { timeout: 15_000 } },
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
