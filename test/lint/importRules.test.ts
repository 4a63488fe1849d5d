import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../helpers.js';

const require = createRequire(import.meta.url);
const rules = require(join(REPO_ROOT, '.dependency-cruiser.cjs')) as { forbidden: unknown[]; options: Record<string, unknown> };

async function violations(root: string, cwd: string): Promise<string[]> {
  const previous = process.cwd();
  process.chdir(cwd);
  try {
    const result = await cruise([root], { ...rules.options, validate: true, ruleSet: { forbidden: rules.forbidden } } as never);
    const output = result.output as ICruiseResult;
    return output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
  } finally {
    process.chdir(previous);
  }
}

describe('the import rules CI enforces', () => {
  it('src/ has no import cycle and no folder importing against the data flow', async () => {
    expect(await violations('src', REPO_ROOT)).toEqual([]);
  });

  it('a cycle through a type-only import fails, as does a stage importing a later one', async () => {
    const dir = tempDir('bulkhead-imports-');
    mkdirSync(join(dir, 'src/policy'), { recursive: true });
    mkdirSync(join(dir, 'src/report'), { recursive: true });
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', verbatimModuleSyntax: true } }),
    );
    // policy → report is against the flow; report → policy closes a cycle, type-only on both ends.
    writeFileSync(
      join(dir, 'src/policy/baseline.ts'),
      "import type { Report } from '../report/json.js';\nexport type Baseline = { report: Report };\n",
    );
    writeFileSync(
      join(dir, 'src/report/json.ts'),
      "import type { Baseline } from '../policy/baseline.js';\nexport type Report = { baseline?: Baseline };\n",
    );
    const found = await violations('src', dir);
    expect(found).toContain('no-cycle: src/policy/baseline.ts → src/report/json.ts');
    expect(found).toContain('layer-policy: src/policy/baseline.ts → src/report/json.ts');
  });
});
