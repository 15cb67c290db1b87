// Prints the size of each function's bundle after `cdk synth`, and whether those with a budget keep to it (the
// Sender: no MJML, under 300 KB); exits 1 when one does not.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLE_BUDGETS_KB } from './bundle-budgets.ts';

const out = 'cdk.out';
const template = JSON.parse(readFileSync(join(out, 'HeraldStateless.template.json'), 'utf8')) as {
  Resources: Record<string, { Type: string; Properties: { Description?: string; Code?: { S3Key?: unknown } } }>;
};
const rows = Object.entries(template.Resources)
  .filter(([, r]) => r.Type === 'AWS::Lambda::Function' && String(r.Properties.Description ?? '').startsWith('Herald'))
  .map(([id, r]) => {
    const hash = String(r.Properties.Code?.S3Key).replace(/\.zip$/, '');
    const kb = statSync(join(out, `asset.${hash}`, 'index.mjs')).size / 1024;
    return { fn: id.replace(/[0-9A-F]{8}$/, ''), kb };
  });
process.stdout.write('\nFunction bundles (index.mjs, minified; the AWS SDK comes from the Lambda runtime):\n');
for (const { fn, kb } of rows) {
  const budget = BUNDLE_BUDGETS_KB[fn];
  const over = budget !== undefined && kb > budget;
  const verdict = budget === undefined ? '' : `  ${over ? 'OVER its' : 'within its'} ${budget} KB budget`;
  process.stdout.write(`  ${fn.padEnd(16)} ${kb.toFixed(0).padStart(6)} KB${verdict}\n`);
  if (over) process.exitCode = 1;
}
