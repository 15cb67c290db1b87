// Infra tests of the stateful stack: tables from contracts/tables.ts, the SES identity with its DNS records, the
// configuration set, its events topic, the user pool and the token secret.
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USER_GROUPS, WEB_SIGN_IN_PATHS } from '../../infra/constructs/herald-users.ts';
import { subscribersTable, TABLES, type IndexDefinition, type TableDefinition } from '../../contracts/tables.ts';
import { buildHerald, logicalId, removeAssemblies, synthHerald } from './herald-app.ts';

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

  it('keeps the message-id index free of what SES events change, so marking a delivery writes no index entry', () => {
    const deliveries = TABLES.find((t) => t.envVar === 'DELIVERIES_TABLE')!;
    const [index] = tableResource(deliveries).Properties.GlobalSecondaryIndexes ?? [];
    expect(index).toMatchObject({
      IndexName: 'byMessageId',
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['country', 'language', 'region', 'tracked'] },
    });
  });

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

  it('lets SES refuse, in every send through the configuration set, an address that bounced or complained', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      SuppressionOptions: { SuppressedReasons: Match.arrayEquals(['BOUNCE', 'COMPLAINT']) },
    });
  });

  it('publishes what happens to a message after SES takes it, without SES measuring opens and clicks', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      ConfigurationSetName: { Ref: logicalId(herald.stateful.node.findChild('ConfigurationSet')) },
      EventDestination: {
        Enabled: true,
        MatchingEventTypes: Match.arrayEquals(
          // prettier-ignore
          ['delivery', 'bounce', 'complaint', 'reject', 'renderingFailure', 'deliveryDelay', 'subscription'],
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

describe('sending domain', () => {
  const identityId = () => logicalId(herald.stateful.node.findChild('SendingDomain').node.findChild('Identity'));
  const dnsOutputs = (t: Template) =>
    Object.fromEntries(Object.entries(t.toJSON().Outputs ?? {}).filter(([id]) => id.startsWith('Dns'))) as Record<
      string,
      { Value: unknown }
    >;
  const withZone = { 'herald:hostedZoneId': 'Z0123456789ABC', 'herald:hostedZoneName': 'secon.example' };

  it('verifies the domain herald:sesIdentity with Easy DKIM (2048-bit), a MAIL FROM subdomain and the configuration set', () => {
    template.resourceCountIs('AWS::SES::EmailIdentity', 1);
    template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'secon.example',
      DkimAttributes: { SigningEnabled: true },
      DkimSigningAttributes: { NextSigningKeyLength: 'RSA_2048_BIT' },
      MailFromAttributes: { MailFromDomain: 'mail.secon.example', BehaviorOnMxFailure: 'USE_DEFAULT_VALUE' },
      ConfigurationSetAttributes: {
        ConfigurationSetName: { Ref: logicalId(herald.stateful.node.findChild('ConfigurationSet')) },
      },
    });
  });

  it('outputs every DNS record to add when no hosted zone is given: three DKIM, the MAIL FROM MX and SPF, DMARC', () => {
    const outputs = dnsOutputs(template);
    expect(Object.keys(outputs).sort()).toEqual(
      ['DnsDkim1', 'DnsDkim2', 'DnsDkim3', 'DnsDmarc', 'DnsMailFromMx', 'DnsMailFromSpf'].sort(),
    );
    for (const n of [1, 2, 3]) {
      expect(outputs[`DnsDkim${n}`]!.Value).toEqual({
        'Fn::Join': [
          '',
          [
            { 'Fn::GetAtt': [identityId(), `DkimDNSTokenName${n}`] },
            ' CNAME ',
            { 'Fn::GetAtt': [identityId(), `DkimDNSTokenValue${n}`] },
          ],
        ],
      });
    }
    expect(outputs.DnsMailFromMx!.Value).toEqual({
      'Fn::Join': ['', ['mail.secon.example MX 10 feedback-smtp.', { Ref: 'AWS::Region' }, '.amazonses.com']],
    });
    expect(outputs.DnsMailFromSpf!.Value).toBe('mail.secon.example TXT "v=spf1 include:amazonses.com ~all"');
    expect(outputs.DnsDmarc!.Value).toBe('_dmarc.secon.example TXT "v=DMARC1; p=none"');
    template.resourceCountIs('AWS::Route53::RecordSet', 0);
  });

  it('adds the same records to the Route 53 zone of herald:hostedZoneId, without a lookup, and outputs none', () => {
    const zoned = synthHerald({ context: withZone }).statefulTemplate;
    expect(dnsOutputs(zoned)).toEqual({});
    const records = Object.values(zoned.findResources('AWS::Route53::RecordSet')).map((r) => r.Properties);
    expect(records).toHaveLength(6);
    for (const record of records) expect(record).toMatchObject({ HostedZoneId: 'Z0123456789ABC', TTL: '1800' });
    const id = identityId(); // the same construct path as in the default app
    const byType = (type: string) => records.filter((r) => r.Type === type);
    expect(byType('CNAME').map((r) => [r.Name, r.ResourceRecords])).toEqual(
      [1, 2, 3].map((n) => [
        { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id, `DkimDNSTokenName${n}`] }, '.']] },
        [{ 'Fn::GetAtt': [id, `DkimDNSTokenValue${n}`] }],
      ]),
    );
    expect(byType('MX')).toEqual([
      expect.objectContaining({
        Name: 'mail.secon.example.',
        ResourceRecords: [{ 'Fn::Join': ['', ['10 feedback-smtp.', { Ref: 'AWS::Region' }, '.amazonses.com']] }],
      }),
    ]);
    expect(byType('TXT').map((r) => [r.Name, r.ResourceRecords])).toEqual([
      ['mail.secon.example.', ['"v=spf1 include:amazonses.com ~all"']],
      ['_dmarc.secon.example.', ['"v=DMARC1; p=none"']],
    ]);
  });

  it('takes the MAIL FROM subdomain and the DMARC policy and report address from the settings', () => {
    const custom = synthHerald({
      context: {
        'herald:mailFromSubdomain': 'bounce',
        'herald:dmarcPolicy': 'quarantine',
        'herald:dmarcReportAddress': 'dmarc@secon.example',
      },
    }).statefulTemplate;
    custom.hasResourceProperties('AWS::SES::EmailIdentity', {
      MailFromAttributes: Match.objectLike({ MailFromDomain: 'bounce.secon.example' }),
    });
    expect(dnsOutputs(custom).DnsDmarc!.Value).toBe(
      '_dmarc.secon.example TXT "v=DMARC1; p=quarantine; rua=mailto:dmarc@secon.example"',
    );
  });

  it('leaves a DMARC record the domain already has alone with herald:dmarcPolicy existing', () => {
    const existing = synthHerald({ context: { ...withZone, 'herald:dmarcPolicy': 'existing' } }).statefulTemplate;
    const names = Object.values(existing.findResources('AWS::Route53::RecordSet')).map((r) => r.Properties.Name);
    expect(names).toHaveLength(5);
    expect(names).not.toContain('_dmarc.secon.example.');
  });

  it.each([
    [{ 'herald:sesIdentity': 'Newsletter@secon.example' }, /herald:sesIdentity must be a lower-case domain name/],
    [{ 'herald:mailFromSubdomain': 'Mail_From' }, /herald:mailFromSubdomain must be a lower-case subdomain/],
    [{ 'herald:hostedZoneId': 'Z0123456789ABC' }, /herald:hostedZoneId and herald:hostedZoneName go together/],
    [{ ...withZone, 'herald:hostedZoneId': 'zone-1' }, /herald:hostedZoneId must be a Route 53 hosted zone id/],
    [
      { ...withZone, 'herald:hostedZoneName': 'other.example' },
      /herald:hostedZoneName must be secon.example .* or a parent/,
    ],
    [{ 'herald:dmarcPolicy': 'strict' }, /herald:dmarcPolicy must be one of none, quarantine, reject, existing/],
    [{ 'herald:dmarcReportAddress': 'reports' }, /herald:dmarcReportAddress must be an email address/],
  ])('refuses %o, naming the setting', (context, message) => {
    expect(() => buildHerald({ context })).toThrow(message);
  });

  it.each([
    [{ name: 'News', address: 'news@other.example' }, /sender.address must be an address at secon.example/],
    [
      { name: 'News', address: 'news@mail.secon.example' },
      /herald:mailFromSubdomain must not make the From address's domain/,
    ],
  ])("refuses the profile's sender %o, naming it", (sender, message) => {
    expect(() => buildHerald({ sender, context: { 'herald:sesIdentity': 'secon.example' } })).toThrow(message);
  });

  it('accepts a From address in a subdomain of the identity and a zone above it', () => {
    const context = {
      'herald:sesIdentity': 'secon.example',
      'herald:hostedZoneId': 'Z0123456789ABC',
      'herald:hostedZoneName': 'example.',
    };
    expect(() => buildHerald({ context, sender: { name: 'SECON', address: 'news@news.secon.example' } })).not.toThrow();
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
