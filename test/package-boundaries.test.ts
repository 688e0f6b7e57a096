import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The package boundaries docs/architecture.md describes, checked by the two lint rules that enforce
// them (eslint.config.js) on small files linted in place, and by the packages' declared dependencies.
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const eslint = new ESLint({ cwd: ROOT });

async function ruleIds(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

function dependenciesOf(pkg: string): { deps: string[]; dev: string[] } {
  const json = JSON.parse(readFileSync(join(ROOT, 'packages', pkg, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  return { deps: Object.keys(json.dependencies ?? {}), dev: Object.keys(json.devDependencies ?? {}) };
}

describe('package boundaries', () => {
  it("lint rejects a relative import into another package's src/, and accepts its entry point", async () => {
    const file = 'packages/export/src/boundary-probe.ts';
    expect(await ruleIds(file, "export { readRunMeta } from '../../runs/src/meta.ts';\n")).toContain(
      'ganforge/no-cross-package-src',
    );
    expect(await ruleIds(file, "export { readRunMeta } from '@ganforge/runs';\n")).toEqual([]);
  });

  it('lint rejects a package importing one it does not declare; tests may use devDependencies', async () => {
    const code = "export { train } from '@ganforge/train';\n";
    expect(await ruleIds('packages/export/src/boundary-probe.ts', code)).toContain(
      'ganforge/declared-package-deps',
    );
    expect(await ruleIds('packages/serve/src/boundary-probe.ts', code)).toContain(
      'ganforge/declared-package-deps',
    );
    expect(await ruleIds('packages/export/src/boundary-probe.test.ts', code)).toEqual([]);
    expect(await ruleIds('packages/cli/src/boundary-probe.ts', code)).toEqual([]);
  });

  it('run folders are read through @ganforge/runs: export, eval and the report do not depend on train at run time', () => {
    for (const pkg of ['export', 'eval', 'report']) {
      const { deps } = dependenciesOf(pkg);
      expect(deps, pkg).toContain('@ganforge/runs');
      expect(deps, pkg).not.toContain('@ganforge/train');
    }
    for (const pkg of ['serve', 'web']) {
      const { deps } = dependenciesOf(pkg);
      expect(
        deps.filter((d) => d.startsWith('@ganforge/')),
        pkg,
      ).toEqual(['@ganforge/core']);
    }
    expect(dependenciesOf('runs').deps).not.toContain('@ganforge/train');
  });
});
