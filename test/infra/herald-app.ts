// Builds the Herald CDK app for the infra tests with cdk.json's context; Lambda bundling is skipped unless asked for.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { createHeraldApp } from '../../infra/app.ts';
import { readProject } from '../../infra/project.ts';
import type { Profile } from '../../contracts/profile.ts';

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};

export interface HeraldAppOptions {
  /** Run esbuild for real (slow); otherwise the functions get placeholder code. */
  bundle?: boolean;
  /**
   * Run CDK's built-in CloudFormation template validation (a WASM engine: seconds per test file). `npm run synth`
   * always runs it; of the tests, the cdk-nag test does.
   */
  validateTemplates?: boolean;
  context?: Record<string, unknown>;
  /** Another sender than the sample profile's (SECON's). */
  sender?: Profile['sender'];
}

const outdirs: string[] = [];

/**
 * A small web app in a temporary folder: the tests do not depend on what web/ holds while it is being written.
 * Pass `herald:webDir` in `context` to use another folder (or a missing one).
 */
export function webFixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'herald-web-'));
  outdirs.push(dir);
  mkdirSync(join(dir, 'editor'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Herald</title>');
  writeFileSync(join(dir, 'editor', 'index.html'), '<!doctype html><title>Herald editor</title>');
  return dir;
}

/** A new app in its own temporary cloud assembly folder; `removeAssemblies` deletes those folders (and web fixtures). */
export function buildHerald(options: HeraldAppOptions = {}) {
  const outdir = mkdtempSync(join(tmpdir(), 'herald-cdk-'));
  outdirs.push(outdir);
  const project = readProject();
  return createHeraldApp(
    {
      outdir,
      builtinCloudFormationValidation: options.validateTemplates ?? false,
      context: {
        ...cdkJson.context,
        // An empty list tells CDK that no stack needs bundling: template tests stay fast.
        ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
        'herald:webDir': webFixture(),
        ...options.context,
      },
    },
    options.sender ? { ...project, profile: { ...project.profile, sender: options.sender } } : project,
  );
}

export function synthHerald(options: HeraldAppOptions = {}) {
  const herald = buildHerald(options);
  const assembly = herald.app.synth();
  return {
    ...herald,
    assembly,
    statefulTemplate: Template.fromStack(herald.stateful),
    statelessTemplate: Template.fromStack(herald.stateless),
  };
}

export function removeAssemblies() {
  for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** The logical ID of a construct's CloudFormation resource (e.g. the CfnFunction of a function). */
export function logicalId(construct: IConstruct): string {
  const resource = construct.node.defaultChild ?? construct;
  return Stack.of(construct).getLogicalId(resource as CfnElement);
}

export interface Acknowledgement {
  /** The acknowledging construct's path. */
  path: string;
  /** The rule id, with the finding for granular rules: `AwsSolutions-IAM5[Resource::*]`. */
  id: string;
  reason: string;
}

/** Every cdk-nag acknowledgement in the construct tree (those added by aspects only after a synth). */
export function acknowledgements(root: IConstruct): Acknowledgement[] {
  const found: Acknowledgement[] = [];
  for (const construct of root.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        found.push({ path: construct.node.path, id: id.replace(/^annotation::/i, ''), reason });
      }
    }
  }
  return found;
}
