// Infra tests of the Lambda bundles: real esbuild bundling, offline, with templates and locales next to the handlers.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_BUDGETS_KB } from '../../infra/bundle-budgets.ts';
import { logicalId, removeAssemblies, synthHerald } from './herald-app.ts';

let herald: ReturnType<typeof synthHerald>;

beforeAll(() => {
  herald = synthHerald({ bundle: true });
  // The Lambda runtime provides @aws-sdk/* and nothing else: so does the assembly folder, above every bundle.
  mkdirSync(join(herald.assembly.directory, 'node_modules'));
  symlinkSync(
    fileURLToPath(new URL('../../node_modules/@aws-sdk', import.meta.url)),
    join(herald.assembly.directory, 'node_modules', '@aws-sdk'),
  );
});
afterAll(removeAssemblies);

/** A function's settings, as the stack sets them, for a run without AWS. */
const OFFLINE_ENV = {
  PATH: process.env.PATH,
  AWS_REGION: 'eu-central-1',
  CONTENT_TABLE: 'content',
  ISSUES_TABLE: 'issues',
  SUBSCRIBERS_TABLE: 'subscribers',
  DELIVERIES_TABLE: 'deliveries',
  HERALD_FROM_ADDRESS: 'SECON Newsletter <newsletter@secon.example>',
  SES_CONFIGURATION_SET: 'herald',
  HERALD_PUBLIC_URL: 'https://newsletter.secon.example',
  // The config asks for the token secret: offline, its value rather than a Secrets Manager ARN.
  HERALD_TOKEN_SECRET: 'bundle-test-secret-of-at-least-32-chars',
};

/**
 * Imports a bundle in a fresh Node.js process, calls its handler with `event` and returns what it printed. A setting
 * given as `undefined` is left out, as for a function the stack does not give it.
 */
function invokeBundle(
  dir: string,
  event: unknown,
  print: string,
  env: Record<string, string | undefined> = {},
): string {
  const script = `const { handler } = await import(${JSON.stringify(pathToFileURL(join(dir, 'index.mjs')).href)});
    const response = await handler(${JSON.stringify(event)});
    console.log(${print});`;
  return execFileSync(process.execPath, ['--input-type=module', '--enable-source-maps', '-e', script], {
    cwd: herald.assembly.directory,
    encoding: 'utf8',
    // The profile the bundle carries, where the stack's HERALD_PROJECT would find it under /var/task.
    env: Object.fromEntries(
      Object.entries({ ...OFFLINE_ENV, HERALD_PROJECT: join(dir, 'project', 'herald.project.json'), ...env }).filter(
        ([, value]) => value !== undefined,
      ),
    ),
  }).trim();
}

/** The staged bundle folder of a function: cdk.out's `asset.<hash>` named by the function's S3 key. */
function bundleDir(fn: string): string {
  const cfn = herald.statelessTemplate.toJSON().Resources[logicalId(herald.stateless.node.findChild(fn))];
  const hash = String(cfn.Properties.Code.S3Key).replace(/\.zip$/, '');
  return join(herald.assembly.directory, `asset.${hash}`);
}

describe('Lambda bundles', () => {
  it.each(['PublicApi', 'UnsubscribeApi', 'EditorApi', 'ScheduledSend', 'FanOut', 'Sender', 'SesEvents'])(
    'bundles %s as an ES module that can require CommonJS, with a source map',
    (fn) => {
      const dir = bundleDir(fn);
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      expect(code.startsWith("import { createRequire as heraldCreateRequire } from 'node:module';")).toBe(true);
      expect(existsSync(join(dir, 'index.mjs.map'))).toBe(true);
    },
  );

  it.each(['PublicApi', 'UnsubscribeApi', 'EditorApi', 'ScheduledSend'])(
    'carries templates and locales next to the %s handler',
    (fn) => {
      const dir = bundleDir(fn);
      expect(existsSync(join(dir, 'templates', 'issue.mjml'))).toBe(true);
      expect(existsSync(join(dir, 'templates', 'partials'))).toBe(true);
      expect(existsSync(join(dir, 'locales', 'en', 'issue.json'))).toBe(true);
    },
  );

  it.each(['PublicApi', 'EditorApi', 'ScheduledSend', 'FanOut', 'Sender', 'SesEvents'])(
    'carries the project profile and the logos it names in the %s bundle',
    (fn) => {
      const project = join(bundleDir(fn), 'project');
      const profile = JSON.parse(readFileSync(join(project, 'herald.project.json'), 'utf8'));
      expect(profile.shortName).toBe('SECON');
      expect(existsSync(join(project, profile.logo))).toBe(true);
      expect(existsSync(join(project, profile.programme.logo))).toBe(true);
    },
  );

  it.each(['FanOut', 'Sender', 'SesEvents'])('leaves templates, locales and MJML out of the %s bundle', (fn) => {
    expect(existsSync(join(bundleDir(fn), 'templates'))).toBe(false);
    expect(readFileSync(join(bundleDir(fn), 'index.mjs'), 'utf8')).not.toContain('mj-column');
  });

  const get = (path: string) => ({ rawPath: path, headers: {}, requestContext: { http: { method: 'GET' } } });

  it('loads the PublicApi bundle outside the repository: it renders the signup page and serves no editor route', () => {
    const dir = bundleDir('PublicApi');
    // Its services (page and MJML renderers included) are built from HERALD_ASSETS_DIR, without AWS.
    const statuses = (path: string) =>
      invokeBundle(dir, get(path), 'response.statusCode', { HERALD_ASSETS_DIR: dir, CONTENT_TABLE: undefined });
    expect(statuses('/subscribe')).toBe('200');
    expect(statuses('/api/issues')).toBe('404');
  });

  it('loads the UnsubscribeApi bundle outside the repository: it answers an unsubscribe link and serves no other route', () => {
    const dir = bundleDir('UnsubscribeApi');
    // As the stack sets it up: no content table, no sender.
    const env = {
      HERALD_ASSETS_DIR: dir,
      CONTENT_TABLE: undefined,
      HERALD_FROM_ADDRESS: undefined,
      SES_CONFIGURATION_SET: undefined,
    };
    const answer = (path: string) =>
      invokeBundle(dir, get(path), 'response.statusCode + " " + response.headers["content-type"]', env);
    // A link that is no token gets the localized "expired or invalid" page, before any AWS call.
    expect(answer('/unsubscribe/not-a-token')).toMatch(/^4\d\d text\/html/);
    expect(answer('/subscribe')).toMatch(/^404 /);
    expect(answer('/archive/secon-5/en')).toMatch(/^404 /);
  });

  it('loads the EditorApi bundle outside the repository: it serves no public route', () => {
    const dir = bundleDir('EditorApi');
    const status = invokeBundle(dir, get('/subscribe'), 'response.statusCode', {
      HERALD_ASSETS_DIR: dir,
      HERALD_TOKEN_SECRET: undefined,
    });
    expect(status).toBe('404');
  });

  it('loads the ImagesApi bundle outside the repository: sharp and its linux binaries load from its own node_modules', () => {
    const dir = bundleDir('ImagesApi');
    expect(existsSync(join(dir, 'node_modules', 'sharp', 'package.json'))).toBe(true);
    expect(readFileSync(join(dir, 'index.mjs'), 'utf8')).not.toContain('sharp-libvips');
    // sharp itself, as the handler would load it, from the bundle's folder alone.
    const script = `const { createRequire } = await import('node:module');
      const sharp = createRequire(${JSON.stringify(pathToFileURL(join(dir, 'index.mjs')).href)})('sharp');
      const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#fff' } }).png().toBuffer();
      console.log((await sharp(png).metadata()).format);`;
    expect(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8' }).trim(),
    ).toBe('png');
    const status = invokeBundle(dir, get('/api/highlights'), 'response.statusCode', {
      HERALD_ASSETS_DIR: dir,
      HERALD_TOKEN_SECRET: undefined,
      UPLOADS_BUCKET: 'uploads',
      IMAGES_BUCKET: 'images',
    });
    expect(status).toBe('404');
  });

  it('loads the Sender bundle with only the AWS SDK beside it, as in the Lambda runtime', () => {
    // No message: the handler builds its services (SDK clients included) and reports no failure.
    expect(invokeBundle(bundleDir('Sender'), { Records: [] }, 'JSON.stringify(response)')).toBe(
      '{"batchItemFailures":[]}',
    );
  });

  it.each(Object.entries(BUNDLE_BUDGETS_KB))('keeps the %s bundle within its budget of %i KB', (fn, budget) => {
    expect(statSync(join(bundleDir(fn), 'index.mjs')).size / 1024).toBeLessThanOrEqual(budget!);
  });
});
