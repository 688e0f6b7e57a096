// @ts-check
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Packages talk to each other only through their declared entry points (package.json `exports`:
// '@ganforge/<pkg>', '@ganforge/<pkg>/testing', ...). Reaching into another package's src/ by a
// relative path ('../../../serve/src/...', '../packages/web/src/...') or by '@ganforge/<pkg>/src/...'
// couples callers to that package's file layout and bypasses its public API, so lint rejects it.
// no-restricted-imports cannot tell a same-package '../x' from a cross-package one and does not see
// dynamic import(), hence this small rule that resolves the specifier against the importing file.
const ROOT = dirname(fileURLToPath(import.meta.url));
const packageOf = (/** @type {string} */ file) => {
  const [top, name] = relative(ROOT, file).split(sep);
  return top === 'packages' && name ? name : undefined;
};
/**
 * A lint rule reporting problems, with no options.
 * @param {string} description
 * @param {Record<string, string>} messages
 * @param {import('eslint').Rule.RuleModule['create']} create
 * @returns {import('eslint').Rule.RuleModule}
 */
const problemRule = (description, messages, create) => ({
  meta: { type: 'problem', docs: { description }, messages, schema: [] },
  create,
});

/**
 * Visitors calling `check` with the module specifier node of each import, export-from and import(); `overrides`
 * replaces some of them (e.g. an ImportDeclaration visitor that skips type-only imports).
 * @param {(source: any) => void} check
 * @param {import('eslint').Rule.RuleListener} [overrides]
 * @returns {import('eslint').Rule.RuleListener}
 */
const moduleSpecifiers = (check, overrides = {}) => ({
  ImportDeclaration: (node) => check(node.source),
  ExportNamedDeclaration: (node) => check(node.source),
  ExportAllDeclaration: (node) => check(node.source),
  ImportExpression: (node) => check(node.source),
  ...overrides,
});

const noCrossPackageSrc = problemRule(
  "forbid importing another workspace package's src/ instead of its entry points",
  {
    relative:
      "'{{spec}}' reaches into @ganforge/{{pkg}}'s src/; import '@ganforge/{{pkg}}' (or its ./testing entry point) instead.",
    deep: "'{{spec}}' reaches into a package's src/; import its entry points (package.json exports) instead.",
  },
  (context) => {
    const own = packageOf(context.filename);
    /** @param {any} source */
    const check = (source) => {
      const spec =
        source?.type === 'Literal' && typeof source.value === 'string'
          ? source.value
          : source?.type === 'TemplateLiteral' && source.expressions.length === 0
            ? source.quasis[0].value.cooked
            : undefined;
      if (typeof spec !== 'string') return;
      if (/^@ganforge\/[^/]+\/src(\/|$)/.test(spec)) {
        context.report({ node: source, messageId: 'deep', data: { spec } });
        return;
      }
      if (!spec.startsWith('.')) return;
      const target = resolve(dirname(context.filename), spec);
      const pkg = packageOf(target);
      const [, , dir] = relative(ROOT, target).split(sep);
      if (pkg && pkg !== own && dir === 'src') {
        context.report({ node: source, messageId: 'relative', data: { spec, pkg } });
      }
    };
    return moduleSpecifiers(check, {
      /** @param {any} node */
      TSImportType: (node) => check(node.argument?.literal ?? node.source),
      /** @param {any} node */
      TSExternalModuleReference: (node) => check(node.expression),
    });
  },
);

// A package imports another workspace package only when its package.json declares it: `dependencies`
// for runtime code, `devDependencies` too for tests and test helpers (*.test.ts, src/testing/). This
// is what makes the dependency direction in docs/architecture.md checkable: e.g. export, eval and the
// report read run folders through @ganforge/runs and may use @ganforge/train only in their tests.
/** @type {Map<string, { deps: Set<string>, dev: Set<string> }>} */
const declared = new Map();
const declaredOf = (/** @type {string} */ pkg) => {
  let d = declared.get(pkg);
  if (!d) {
    const json = JSON.parse(readFileSync(resolve(ROOT, 'packages', pkg, 'package.json'), 'utf8'));
    d = {
      deps: new Set(Object.keys(json.dependencies ?? {})),
      dev: new Set(Object.keys(json.devDependencies ?? {})),
    };
    declared.set(pkg, d);
  }
  return d;
};
const declaredPackageDeps = problemRule(
  'forbid importing a workspace package the importing package does not declare',
  {
    undeclared:
      "@ganforge/{{own}} imports '{{spec}}' but its package.json does not declare {{name}}{{where}}.",
  },
  (context) => {
    const own = packageOf(context.filename);
    if (!own) return {};
    const rel = relative(resolve(ROOT, 'packages', own), context.filename)
      .split(sep)
      .join('/');
    const forTests = /\.test\.ts$/.test(rel) || rel.startsWith('src/testing/') || rel.startsWith('test/');
    /** @param {any} source */
    const check = (source) => {
      const spec = source?.type === 'Literal' && typeof source.value === 'string' ? source.value : undefined;
      const m = spec?.match(/^(@ganforge\/[^/]+)/);
      if (!spec || !m || m[1] === `@ganforge/${own}`) return;
      const name = m[1];
      const d = declaredOf(own);
      if (d.deps.has(name) || (forTests && d.dev.has(name))) return;
      const where = d.dev.has(name) ? ' in dependencies (it is a devDependency: tests only)' : '';
      context.report({ node: source, messageId: 'undeclared', data: { own, spec, name, where } });
    };
    return moduleSpecifiers(check, {
      ImportDeclaration: (node) => {
        if (node.importKind !== 'type' || !forTests) check(node.source);
      },
    });
  },
);

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'runs/**', 'models/**', '**/*.min.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly', URL: 'readonly', setTimeout: 'readonly' },
    },
    plugins: {
      ganforge: {
        rules: { 'no-cross-package-src': noCrossPackageSrc, 'declared-package-deps': declaredPackageDeps },
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'ganforge/no-cross-package-src': 'error',
      'ganforge/declared-package-deps': 'error',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
);
