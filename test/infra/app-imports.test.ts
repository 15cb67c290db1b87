// Infra test of the CDK app's import graph: it builds from contracts/ and its own constructs, and loads no Lambda
// handler, adapter or wiring (their SDK clients and environment reads belong to the functions).
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Every file of the project that the CDK app's entry imports, directly or through others (packages left out). */
async function appModules(): Promise<string[]> {
  const { metafile } = await build({
    entryPoints: ['infra/app.ts'],
    absWorkingDir: ROOT,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
  });
  return Object.keys(metafile.inputs);
}

describe('the CDK app', () => {
  it('loads the contracts it shares with the functions, and no handler, adapter or wiring', async () => {
    const modules = await appModules();
    expect(modules).toEqual(expect.arrayContaining(['infra/app.ts', 'contracts/routes.ts', 'contracts/tables.ts']));
    expect(modules.filter((path) => /^(functions\/(handlers|adapters|wiring)|local)\//.test(path))).toEqual([]);
  });
});
