// Infra tests of the cdk-nag AWS Solutions checks: every finding is fixed or acknowledged with a reason.
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../contracts/routes.ts';
import { PUBLIC_ROUTE_REASON } from '../../infra/stateless-stack.ts';
import { acknowledgements, buildHerald, logicalId, removeAssemblies, synthHerald } from './herald-app.ts';

let herald: ReturnType<typeof synthHerald>;

// Synthesized once: the BucketDeployment acknowledgements are added by an aspect, during the synth. CloudFormation
// validation findings are errors too (cdk.json), so this synth also checks the templates against CloudFormation's rules.
beforeAll(() => {
  herald = synthHerald({ validateTemplates: true });
});
afterAll(removeAssemblies);

describe('cdk-nag AWS Solutions checks', () => {
  it('synthesizes the app with no unacknowledged error or warning', () => {
    const report = new AwsSolutionsChecks().validateScope(herald.app);
    expect(
      report.violations.map((v) => `${v.severity} ${v.ruleName} ${v.violatingResources[0]?.constructPath}`),
    ).toEqual([]);
  });

  it('acknowledges only the findings that cannot be fixed, each where it arises and with a reason', () => {
    const { app, stateless } = herald;
    const found = acknowledgements(app);
    const deploymentPolicy = 'HeraldStateless/Site/DeploymentRole/DefaultPolicy/Resource';
    const siteBucket = logicalId(stateless.node.findChild('Site').node.findChild('SiteBucket'));
    const [uploadsBucket, imagesBucket] = ['UploadsBucket', 'ImagesBucket'].map((name) =>
      logicalId(stateless.node.findChild('Site').node.findChild(name)),
    );
    const publicRoutes = Object.entries(ROUTES)
      .filter(([, spec]) => spec.access === 'public')
      .map(([name]) => `HeraldStateless/HttpApi/${name[0]!.toUpperCase()}${name.slice(1)}Route AwsSolutions-APIG4`);
    expect(publicRoutes.length).toBeGreaterThan(0);
    expect(
      found.map((a) => `${a.path.replace(/CDKBucketDeployment\w+/, 'CDKBucketDeployment')} ${a.id}`).sort(),
    ).toEqual(
      [
        'HeraldStateful/Users/UserPool AwsSolutions-COG2',
        'HeraldStateful/TokenSecret AwsSolutions-SMG4',
        'HeraldStateless/ScheduledSendRole AwsSolutions-IAM5[Resource::*]',
        'HeraldStateless/EditorApiRole AwsSolutions-IAM5[Resource::*]',
        'HeraldStateless/SenderRole AwsSolutions-IAM5[Resource::*]',
        'HeraldStateless/EditorApiRole AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/herald-sends/*]',
        'HeraldStateless/EdgeSecret AwsSolutions-SMG4',
        `HeraldStateless/ImagesApiRole AwsSolutions-IAM5[Resource::<${uploadsBucket}.Arn>/*]`,
        `HeraldStateless/ImagesApiRole AwsSolutions-IAM5[Resource::<${imagesBucket}.Arn>/images/*]`,
        ...publicRoutes,
        'HeraldStateless/Site/LogBucket AwsSolutions-S1',
        'HeraldStateless/Site/Distribution AwsSolutions-CFR4',
        'HeraldStateless/Site/Distribution AwsSolutions-CFR1',
        'HeraldStateless/Site/Distribution AwsSolutions-CFR2',
        'HeraldStateless/Custom::CDKBucketDeployment AwsSolutions-L1',
        ...[
          'Action::s3:GetObject*',
          'Action::s3:GetBucket*',
          'Action::s3:List*',
          'Action::s3:DeleteObject*',
          'Action::s3:Abort*',
          `Resource::<${siteBucket}.Arn>/*`,
          'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*',
          'Resource::*',
        ].map((finding) => `${deploymentPolicy} AwsSolutions-IAM5[${finding}]`),
      ].sort(),
    );
    for (const { id, reason } of found) {
      if (id === 'AwsSolutions-APIG4') {
        expect(reason).toBe(PUBLIC_ROUTE_REASON);
      } else {
        expect(reason.length, id).toBeGreaterThan(40);
      }
    }
    // The invalidation wildcard is acknowledged for CloudFront actions only.
    const star = found.find((a) => a.path === deploymentPolicy && a.id === 'AwsSolutions-IAM5[Resource::*]');
    expect(star?.reason).toMatch(/^cloudfront:\w+(, cloudfront:\w+)* on \*/);
    // The token key is not rotated because links already sent must keep working.
    const rotation = found.find((a) => a.id === 'AwsSolutions-SMG4' && a.path.endsWith('TokenSecret'));
    expect(rotation?.reason).toMatch(/invalidate every unsubscribe, preferences and confirmation link.*RFC 8058/);
    // The schedule wildcard covers the group's per-issue schedules and nothing else.
    const schedules = found.find((a) => a.id.includes(':scheduler:'));
    expect(schedules?.reason).toMatch(/group herald-sends .*one per scheduled issue/);
    // The edge secret is not rotated because CloudFront and warm functions would hold different values.
    const edge = found.find((a) => a.id === 'AwsSolutions-SMG4' && a.path.endsWith('EdgeSecret'));
    expect(edge?.reason).toMatch(/CloudFront holds the value .* warm API functions/);
  });

  it('fails the synth when a finding is neither fixed nor acknowledged', () => {
    const { app, stateless } = buildHerald();
    new Queue(stateless, 'PlainQueue');
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
  });
});
