// @ts-check
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const root = dirname(fileURLToPath(import.meta.url));

/**
 * The library graph: what each library and app may import. It points one way — apps → feature
 * libraries → tenancy / control-plane → postgres / config / errors — and the check below refuses a
 * cycle. Core libraries never import the sample domain (`tenant-data`); only apps do.
 */
const LAYERS = {
  'libs/errors': [],
  'libs/embedded': [],
  'libs/metrics': [],
  'libs/config': ['errors'],
  'libs/postgres': ['errors'],
  'libs/http': ['errors', 'postgres'],
  'libs/auth': ['config', 'errors'],
  'libs/control-plane': ['config', 'errors', 'postgres'],
  'libs/tenancy': ['config', 'control-plane', 'errors', 'postgres'],
  'libs/migrations': ['config', 'control-plane', 'errors', 'postgres'],
  'libs/provisioning': ['config', 'control-plane', 'errors', 'migrations', 'postgres'],
  'libs/moves': ['config', 'control-plane', 'errors', 'migrations', 'postgres', 'provisioning'],
  'libs/advisor': ['config', 'control-plane', 'postgres', 'provisioning'],
  'libs/archive': ['config', 'control-plane', 'errors', 'migrations', 'postgres', 'provisioning'],
  'libs/break-glass': ['config', 'control-plane', 'errors', 'postgres'],
  'libs/offboarding': ['archive', 'config', 'control-plane', 'errors', 'moves', 'postgres', 'provisioning'],
  'libs/doctor': ['config', 'control-plane', 'migrations', 'postgres'],
  'libs/tenant-data': ['errors', 'postgres', 'tenancy'],
  'libs/idempotency': ['config', 'control-plane', 'errors', 'postgres', 'tenancy'],
  'libs/testing': ['config', 'embedded', 'postgres'],
  'apps/api': ['*'],
  'apps/control-plane': ['*'],
  'apps/cli': ['*', 'app:api', 'app:control-plane'],
  // The browser console talks to the control plane over HTTP only: it imports no library and no app.
  'apps/console': [],
};

(function refuseCycles() {
  const edges = (lib) => (LAYERS[`libs/${lib}`] ?? []).filter((d) => d !== '*' && !d.startsWith('app:'));
  const visit = (lib, path) => {
    if (path.includes(lib))
      throw new Error(`eslint.config.mjs: the library graph has a cycle: ${[...path, lib].join(' → ')}`);
    for (const next of edges(lib)) visit(next, [...path, lib]);
  };
  for (const key of Object.keys(LAYERS)) if (key.startsWith('libs/')) visit(key.slice(5), []);
})();

/** `libs/<name>` or `apps/<name>` a path lies in, if any. */
function elementOf(path) {
  const parts = relative(root, path).split(sep);
  return (parts[0] === 'libs' || parts[0] === 'apps') && parts[1] ? `${parts[0]}/${parts[1]}` : undefined;
}

/** Which element an import names, and whether it reaches past the element's public door. */
function importedElement(source, fromFile) {
  const alias = /^@(switchyard|apps)\/([a-z-]+)(\/.*)?$/.exec(source);
  if (alias) return { element: `${alias[1] === 'switchyard' ? 'libs' : 'apps'}/${alias[2]}`, deep: Boolean(alias[3]) };
  if (source.startsWith('.')) {
    const element = elementOf(resolve(dirname(fromFile), source));
    return element ? { element, deep: true } : undefined;
  }
  return undefined;
}

const layers = {
  meta: { type: 'problem', schema: [], docs: { description: 'imports follow the library graph (LAYERS)' } },
  create(context) {
    const from = elementOf(context.filename);
    if (!from) return {};
    const allowed = LAYERS[from] ?? [];
    const check = (node, source) => {
      const target = typeof source === 'string' ? importedElement(source, context.filename) : undefined;
      if (!target || target.element === from) return;
      if (target.deep) {
        context.report({
          node,
          message: `${from} reaches into ${target.element}: import it through its public door (src/index.ts).`,
        });
        return;
      }
      const [kind, name] = target.element.split('/');
      const ok = kind === 'apps' ? allowed.includes(`app:${name}`) : allowed.includes('*') || allowed.includes(name);
      if (!ok)
        context.report({
          node,
          message: `${from} may not import ${target.element} (see LAYERS in eslint.config.mjs).`,
        });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.switchyard/**', 'migrations/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // The console (React, .tsx) is type-checked by its own tsconfig, which the project service finds.
    files: ['**/*.ts', '**/*.mts', 'apps/console/**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: root } },
    plugins: { switchyard: { rules: { layers } } },
    rules: {
      'switchyard/layers': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  { ...reactHooks.configs.flat.recommended, files: ['apps/console/**/*.{ts,tsx}'] },
  {
    // Tests, benchmarks and tools may print and may reach anything; the layer rule does not apply there.
    files: ['test/**', 'bench/**', 'tools/**', '**/*.spec.ts', 'apps/cli/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        require: 'readonly',
        __dirname: 'readonly',
        module: 'writable',
      },
    },
  },
  prettier,
);
