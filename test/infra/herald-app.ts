// Builds the Herald CDK app for the infra tests with cdk.json's context; Lambda bundling is skipped unless asked for.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { createHeraldApp } from '../../infra/app.ts';

const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
  context: Record<string, unknown>;
};

export interface HeraldAppOptions {
  /** Run esbuild for real (slow); otherwise the functions get placeholder code. */
  bundle?: boolean;
  context?: Record<string, unknown>;
}

const outdirs: string[] = [];

/** A new app in its own temporary cloud assembly folder; `removeAssemblies` deletes those folders. */
export function buildHerald(options: HeraldAppOptions = {}) {
  const outdir = mkdtempSync(join(tmpdir(), 'herald-cdk-'));
  outdirs.push(outdir);
  return createHeraldApp({
    outdir,
    context: {
      ...cdkJson.context,
      // An empty list tells CDK that no stack needs bundling: template tests stay fast.
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...options.context,
    },
  });
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
