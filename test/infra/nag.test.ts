// Infra tests of the cdk-nag AWS Solutions checks: every finding is fixed or acknowledged with a reason.
import { Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, describe, expect, it } from 'vitest';
import { buildHerald, removeAssemblies, synthHerald } from './herald-app.ts';

/** Every acknowledgement in the construct tree, as `rule id -> reason`. */
function acknowledgements(root: IConstruct): Record<string, string> {
  const found: Record<string, string> = {};
  for (const construct of root.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        found[id.replace(/^annotation::/i, '')] = reason;
      }
    }
  }
  return found;
}

afterAll(removeAssemblies);

describe('cdk-nag AWS Solutions checks', () => {
  it('synthesizes the app with no unacknowledged error or warning', () => {
    const { app } = synthHerald();
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(
      report.violations.map((v) => `${v.severity} ${v.ruleName} ${v.violatingResources[0]?.constructPath}`),
    ).toEqual([]);
  });

  it('acknowledges only the API authorizer and the SES quota wildcard, each with a reason', () => {
    const { app } = buildHerald();
    const acknowledged = acknowledgements(app);
    expect(Object.keys(acknowledged).sort()).toEqual(['AwsSolutions-APIG4', 'AwsSolutions-IAM5[Resource::*]']);
    for (const reason of Object.values(acknowledged)) expect(reason.length).toBeGreaterThan(40);
  });

  it('fails the synth when a finding is neither fixed nor acknowledged', () => {
    const { app, stateless } = buildHerald();
    new Queue(stateless, 'PlainQueue');
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
  });
});
