// Infra tests of the stateful stack: tables from contracts/tables.ts, the SES configuration set, its events topic, the
// user pool and the token secret.
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USER_GROUPS, WEB_SIGN_IN_PATHS } from '../../infra/constructs/herald-users.ts';
import { subscribersTable, TABLES, type IndexDefinition, type TableDefinition } from '../../contracts/tables.ts';
import { logicalId, removeAssemblies, synthHerald } from './herald-app.ts';

let template: Template;
let herald: ReturnType<typeof synthHerald>;

beforeAll(() => {
  herald = synthHerald();
  template = herald.statefulTemplate;
});
afterAll(removeAssemblies);

const keySchema = (partitionKey: string, sortKey?: string) => [
  { AttributeName: partitionKey, KeyType: 'HASH' },
  ...(sortKey ? [{ AttributeName: sortKey, KeyType: 'RANGE' }] : []),
];

const projection = (index: IndexDefinition) =>
  typeof index.projection === 'string'
    ? { ProjectionType: index.projection }
    : { ProjectionType: 'INCLUDE', NonKeyAttributes: index.projection };

const tableResource = (definition: TableDefinition) =>
  template.toJSON().Resources[logicalId(herald.stateful.node.findChild(definition.id))];

describe('tables', () => {
  it('creates exactly the four tables of contracts/tables.ts', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', TABLES.length);
  });

  it.each(TABLES.map((definition) => [definition.id, definition] as const))(
    'creates the %s table with string keys and the indexes of its definition',
    (_id, definition) => {
      const keys = [
        definition.partitionKey,
        definition.sortKey,
        ...definition.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
      ];
      const attributes = [...new Set(keys.filter((k): k is string => k !== undefined))];
      expect(tableResource(definition).Properties).toMatchObject({
        KeySchema: keySchema(definition.partitionKey, definition.sortKey),
        AttributeDefinitions: expect.arrayContaining(
          attributes.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        ),
      });
      expect(tableResource(definition).Properties.AttributeDefinitions).toHaveLength(attributes.length);
      const indexes = tableResource(definition).Properties.GlobalSecondaryIndexes ?? [];
      expect(indexes).toEqual(
        definition.indexes.map((index) => ({
          IndexName: index.name,
          KeySchema: keySchema(index.partitionKey, index.sortKey),
          Projection: projection(index),
        })),
      );
    },
  );

  it('bills every table on demand, keeps point-in-time recovery and survives stack deletion', () => {
    template.allResources('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        Replicas: [
          Match.objectLike({
            DeletionProtectionEnabled: true,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          }),
        ],
      }),
    });
  });

  it('lets DynamoDB expire the rate-limit counters of the subscribers table, and no other table', () => {
    expect(subscribersTable.timeToLiveAttribute).toBe('expiresAt');
    expect(tableResource(subscribersTable).Properties.TimeToLiveSpecification).toEqual({
      AttributeName: 'expiresAt',
      Enabled: true,
    });
    for (const definition of TABLES.filter((d) => d.timeToLiveAttribute === undefined)) {
      expect(tableResource(definition).Properties).not.toHaveProperty('TimeToLiveSpecification');
    }
  });
});

describe('token secret', () => {
  const secret = () => template.toJSON().Resources[logicalId(herald.stateful.tokenSecret)];

  it('generates a 64-character key without punctuation, kept when the stack is deleted or the secret replaced', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    expect(secret()).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(secret().Properties.GenerateSecretString).toEqual({ PasswordLength: 64, ExcludePunctuation: true });
    expect(secret().Properties).not.toHaveProperty('SecretString');
  });

  it('is never rotated (links already sent must keep working)', () => {
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
  });
});

describe('SES', () => {
  it('creates a configuration set with reputation metrics and sending enabled', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      ReputationOptions: { ReputationMetricsEnabled: true },
      SendingOptions: { SendingEnabled: true },
    });
  });

  it('publishes every message event of the configuration set to the SES events topic', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      ConfigurationSetName: { Ref: logicalId(herald.stateful.node.findChild('ConfigurationSet')) },
      EventDestination: {
        Enabled: true,
        MatchingEventTypes: Match.arrayEquals(
          // prettier-ignore
          ['send', 'delivery', 'bounce', 'complaint', 'reject', 'open', 'click', 'renderingFailure', 'deliveryDelay', 'subscription'],
        ),
        SnsDestination: { TopicARN: { Ref: logicalId(herald.stateful.node.findChild('SesEvents')) } },
      },
    });
  });

  it('encrypts the topic with a rotated key that SES may use', () => {
    const keyId = logicalId(herald.stateful.node.findChild('SesEventsKey'));
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'ses.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
  });

  it('lets SES publish to the topic and refuses publishing without TLS', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Allow', Action: 'sns:Publish', Principal: { Service: 'ses.amazonaws.com' } }),
        ]),
      },
    });
  });
});

describe('SES reputation alarms', () => {
  const alarms = () => template.findResources('AWS::CloudWatch::Alarm');

  it.each([
    ['Reputation.BounceRate', 0.05],
    ['Reputation.ComplaintRate', 0.001],
  ])('raises an alarm when %s is over %s, to the alarms topic', (metricName, threshold) => {
    const found = Object.values(alarms()).filter((a) => a.Properties.MetricName === metricName);
    expect(found).toHaveLength(1);
    const alarm = found[0]!.Properties;
    expect(alarm).toMatchObject({
      Namespace: 'AWS/SES',
      Threshold: threshold,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
    expect(alarm.Dimensions).toBeUndefined();
    const topicId = logicalId(herald.stateful.node.findChild('ReputationAlarms').node.findChild('Topic'));
    expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
  });

  it('sends the alarms to a TLS-only topic encrypted with a key CloudWatch may use', () => {
    const topicId = logicalId(herald.stateful.node.findChild('ReputationAlarms').node.findChild('Topic'));
    const keyId = logicalId(herald.stateful.node.findChild('ReputationAlarms').node.findChild('Key'));
    expect(template.toJSON().Resources[topicId].Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('users', () => {
  const pool = () => template.toJSON().Resources[logicalId(herald.stateful.userPool)];
  const client = () => template.toJSON().Resources[logicalId(herald.stateful.webClient)].Properties;

  it('keeps an invitation-only user pool signing in by email, which survives stack deletion', () => {
    expect(pool()).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(pool().Properties).toMatchObject({
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      UsernameAttributes: ['email'],
      AutoVerifiedAttributes: ['email'],
      DeletionProtection: 'ACTIVE',
    });
  });

  it('asks for strong passwords, offers TOTP and enforces threat protection (Plus)', () => {
    expect(pool().Properties).toMatchObject({
      Policies: {
        PasswordPolicy: {
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        },
      },
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
    });
  });

  it("holds a coordinator's region in the mutable custom attribute `region`", () => {
    expect(pool().Properties.Schema).toContainEqual(
      expect.objectContaining({ Name: 'region', AttributeDataType: 'String', Mutable: true }),
    );
  });

  it('creates the groups editor, coordinator and admin in the pool', () => {
    const groups = Object.values(template.findResources('AWS::Cognito::UserPoolGroup')).map((g) => g.Properties);
    expect(groups.map((g) => g.GroupName).sort()).toEqual(['admin', 'coordinator', 'editor']);
    expect(Object.keys(USER_GROUPS).sort()).toEqual(['admin', 'coordinator', 'editor']);
    for (const group of groups) expect(group.UserPoolId).toEqual({ Ref: logicalId(herald.stateful.userPool) });
  });

  it('gives the web app a public client: no secret, SRP or the authorization code grant, back to the editor', () => {
    expect(client()).toMatchObject({
      UserPoolId: { Ref: logicalId(herald.stateful.userPool) },
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      PreventUserExistenceErrors: 'ENABLED',
    });
    expect(client().CallbackURLs).toContain('https://newsletter.secon.example/editor/');
  });

  it('sends coordinators back to the dashboard after signing in and out on the hosted UI', async () => {
    const dashboard = 'https://newsletter.secon.example/dashboard/';
    expect(client().CallbackURLs).toContain(dashboard);
    expect(client().LogoutURLs).toContain(dashboard);
    // Every page the web apps send as redirect_uri or logout_uri is registered, and nothing else.
    const web = (await import(new URL('../../web/editor/auth.js', import.meta.url).href)) as {
      SIGN_IN_PATHS: Record<string, string>;
    };
    expect(web.SIGN_IN_PATHS).toEqual(WEB_SIGN_IN_PATHS);
    const registered = Object.values(WEB_SIGN_IN_PATHS).map((path) => `https://newsletter.secon.example${path}`);
    expect(client().CallbackURLs).toEqual(registered);
    expect(client().LogoutURLs).toEqual(registered);
  });

  it('lets users read but never write their region (it scopes what a coordinator may do)', () => {
    expect(client().ReadAttributes).toContain('custom:region');
    expect(client().WriteAttributes).toEqual(['name']);
  });

  it('outputs the user pool and client ids', () => {
    template.hasOutput('UserPoolId', { Value: { Ref: logicalId(herald.stateful.userPool) } });
    template.hasOutput('UserPoolClientId', { Value: { Ref: logicalId(herald.stateful.webClient) } });
  });

  it('adds no Cognito-hosted domain unless herald:authDomainPrefix asks for one (see site.test.ts)', () => {
    template.resourceCountIs('AWS::Cognito::UserPoolDomain', 0);
  });
});
