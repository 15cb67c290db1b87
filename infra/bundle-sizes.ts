// Prints the size of each function's bundle after `cdk synth`: the Sender's must stay small (no MJML, < 300 KB).
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

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
process.stdout.write('\nFunction bundles (index.mjs, minified, AWS SDK included):\n');
for (const { fn, kb } of rows) process.stdout.write(`  ${fn.padEnd(16)} ${kb.toFixed(0).padStart(6)} KB\n`);
