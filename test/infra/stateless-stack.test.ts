// Infra tests of the stateless stack: functions, their bindings, the send queue, scheduled sends, the SES events
// subscription and the HTTP API.
import { Match, type Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, type RouteSpec } from '../../functions/handlers/routes.ts';
import { SES_EVENTS_BATCH_SIZE } from '../../functions/handlers/ses-events.ts';
import { loadConfig } from '../../functions/wiring/config.ts';
import { SCHEDULE_GROUP_NAME } from '../../infra/stateless-stack.ts';
import { buildHerald, logicalId, removeAssemblies, synthHerald } from './herald-app.ts';

let herald: ReturnType<typeof synthHerald>;
let template: Template;

beforeAll(() => {
  herald = synthHerald();
  template = herald.statelessTemplate;
});
afterAll(removeAssemblies);

const resource = (id: string) => template.toJSON().Resources[logicalId(herald.stateless.node.findChild(id))];
const environment = (fn: string): Record<string, unknown> => resource(fn).Properties.Environment.Variables;

/**
 * The logical ID, in the stateful stack, of what a cross-stack value refers to: `Fn::GetStackOutput`
 * (weak references) or `Fn::ImportValue` (strong ones) lead to an output whose value is a `Ref`.
 */
function statefulRef(value: unknown): string | undefined {
  const outputs: Record<string, { Value: { Ref?: string }; Export?: { Name: string } }> =
    herald.statefulTemplate.toJSON().Outputs ?? {};
  const v = value as { 'Fn::GetStackOutput'?: { OutputName: string }; 'Fn::ImportValue'?: string };
  const output = v['Fn::GetStackOutput']
    ? outputs[v['Fn::GetStackOutput'].OutputName]
    : Object.values(outputs).find((o) => o.Export?.Name === v['Fn::ImportValue']);
  return output?.Value.Ref;
}

const tableId = (id: string) => logicalId(herald.stateful.node.findChild(id));
/** `{ 'Fn::GetAtt': [<logical ID>, 'Arn'] }` of a stateless construct, found by its path below the stack. */
const arnOf = (...path: string[]) => {
  const construct = path.reduce((parent, id) => parent.node.findChild(id), herald.stateless as IConstruct);
  return { 'Fn::GetAtt': [logicalId(construct), 'Arn'] };
};

const FUNCTIONS = ['Api', 'ScheduledSend', 'FanOut', 'Sender', 'SesEvents'];
/** Every function loads its services (and so the token secret) from its configuration at start. */
const SERVICE_FUNCTIONS = FUNCTIONS;

describe('functions', () => {
  it('runs five functions on arm64 with Node.js 24, ES module bundles and source maps', () => {
    // The sixth function is BucketDeployment's own handler (Python).
    template.resourcePropertiesCountIs('AWS::Lambda::Function', { Runtime: 'nodejs24.x' }, 5);
    for (const fn of FUNCTIONS) {
      expect(resource(fn).Properties).toMatchObject({
        Architectures: ['arm64'],
        Runtime: 'nodejs24.x',
        Handler: 'index.handler',
        Environment: { Variables: expect.objectContaining({ NODE_OPTIONS: '--enable-source-maps' }) },
      });
    }
  });

  it('writes each function log to its own log group kept three months', () => {
    for (const fn of FUNCTIONS) {
      expect(resource(fn).Properties.LoggingConfig).toEqual({
        LogGroup: { Ref: logicalId(herald.stateless.node.findChild(`${fn}Logs`)) },
      });
      expect(resource(`${fn}Logs`).Properties.RetentionInDays).toBe(90);
    }
  });

  it.each([
    [
      'Api',
      {
        CONTENT_TABLE: 'Content',
        ISSUES_TABLE: 'Issues',
        SUBSCRIBERS_TABLE: 'Subscribers',
        DELIVERIES_TABLE: 'Deliveries',
      },
    ],
    [
      'ScheduledSend',
      {
        CONTENT_TABLE: 'Content',
        ISSUES_TABLE: 'Issues',
        SUBSCRIBERS_TABLE: 'Subscribers',
        DELIVERIES_TABLE: 'Deliveries',
      },
    ],
    ...['Sender', 'SesEvents'].map(
      (fn) =>
        [
          fn,
          {
            CONTENT_TABLE: 'Content',
            ISSUES_TABLE: 'Issues',
            SUBSCRIBERS_TABLE: 'Subscribers',
            DELIVERIES_TABLE: 'Deliveries',
          },
        ] as [string, Record<string, string>],
    ),
  ])('points the %s table variables at the stateful tables', (fn, expected) => {
    const env = environment(fn);
    const tableVars = Object.keys(env).filter((name) => name.endsWith('_TABLE'));
    expect(tableVars.sort()).toEqual(Object.keys(expected).sort());
    for (const [name, table] of Object.entries(expected)) expect(statefulRef(env[name])).toBe(tableId(table));
  });

  it('gives every function the SES configuration set, the sender and the public URL', () => {
    const configurationSet = logicalId(herald.stateful.node.findChild('ConfigurationSet'));
    for (const fn of FUNCTIONS) {
      const env = environment(fn);
      expect(statefulRef(env.SES_CONFIGURATION_SET)).toBe(configurationSet);
      expect(env).toMatchObject({
        HERALD_FROM_ADDRESS: 'SECON Newsletter <newsletter@secon.example>',
        HERALD_PUBLIC_URL: 'https://newsletter.secon.example',
      });
    }
  });

  it('points the rendering functions at the templates and locales in their bundle', () => {
    for (const fn of ['Api', 'ScheduledSend']) expect(environment(fn).HERALD_ASSETS_DIR).toBe('/var/task');
    for (const fn of ['Sender', 'SesEvents']) expect(environment(fn)).not.toHaveProperty('HERALD_ASSETS_DIR');
  });

  it('gives the Api the signup limits, 10 per IP per minute and 5 per address per hour by default', () => {
    expect(environment('Api')).toMatchObject({ HERALD_SIGNUP_RATE_LIMIT: '10', HERALD_SIGNUP_ADDRESS_LIMIT: '5' });
    for (const fn of ['ScheduledSend', 'Sender', 'SesEvents']) {
      expect(Object.keys(environment(fn)).filter((name) => name.startsWith('HERALD_SIGNUP_'))).toEqual([]);
    }
  });

  it('takes the signup limits from herald:signupRateLimit and herald:signupAddressLimit', () => {
    // A number as cdk.json holds it, a string as `cdk synth -c` passes it.
    const custom = synthHerald({ context: { 'herald:signupRateLimit': 30, 'herald:signupAddressLimit': '3' } });
    const api = custom.statelessTemplate.toJSON().Resources[logicalId(custom.stateless.node.findChild('Api'))];
    expect(api.Properties.Environment.Variables).toMatchObject({
      HERALD_SIGNUP_RATE_LIMIT: '30',
      HERALD_SIGNUP_ADDRESS_LIMIT: '3',
    });
  });

  it.each([
    ['herald:signupRateLimit', '0'],
    ['herald:signupAddressLimit', 'many'],
    ['herald:signupAddressLimit', 2.5],
  ])('refuses %s = %j', (key, value) => {
    expect(() => buildHerald({ context: { [key]: value } })).toThrow(new RegExp(`${key} must be an integer`));
  });

  it('gives the functions that load the services the ARN of the token secret, and never its value', () => {
    const secret = logicalId(herald.stateful.tokenSecret);
    for (const fn of SERVICE_FUNCTIONS) expect(statefulRef(environment(fn).TOKEN_SECRET_ARN)).toBe(secret);
    for (const fn of FUNCTIONS) expect(environment(fn)).not.toHaveProperty('HERALD_TOKEN_SECRET');
  });

  it('gives the functions that start sends the fan-out queue, the fan-out the send queue, and none a shared admin token', () => {
    for (const fn of ['Api', 'ScheduledSend']) {
      expect(environment(fn)).toMatchObject({
        FAN_OUT_QUEUE_URL: { Ref: logicalId(herald.stateless.node.findChild('FanOutQueue')) },
      });
    }
    // The Sender too: a send's end check queues its next look there.
    for (const fn of ['FanOut', 'Sender']) {
      expect(environment(fn)).toMatchObject({
        SEND_QUEUE_URL: { Ref: logicalId(herald.stateless.node.findChild('SendQueue')) },
      });
    }
    for (const fn of FUNCTIONS) expect(environment(fn)).not.toHaveProperty('HERALD_ADMIN_TOKEN');
    expect(Object.keys(template.toJSON().Parameters ?? {})).toEqual(['BootstrapVersion']);
  });
});

describe('permissions', () => {
  type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };
  const statements = (fn: string): Statement[] => {
    const role = logicalId(herald.stateless.node.findChild(`${fn}Role`));
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: role }] } });
    return Object.values(policies).flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
  };
  const actions = (fn: string) => statements(fn).flatMap((s) => s.Action);

  it('lets the Api write subscribers (signup, preferences, erasure) and the rate-limit counters among them', () => {
    const subscribers = statements('Api').filter((s) => JSON.stringify(s.Resource).includes('Subscribers'));
    expect(subscribers.flatMap((s) => s.Action)).toEqual(
      expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']),
    );
  });

  it('lets the functions that load the services read the token secret, and no other function', () => {
    const secret = logicalId(herald.stateful.tokenSecret);
    for (const fn of SERVICE_FUNCTIONS) {
      const read = statements(fn).filter((s) => [s.Action].flat().some((a) => a.startsWith('secretsmanager:')));
      expect(read).toHaveLength(1);
      expect([read[0]?.Action].flat().sort()).toEqual([
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
      ]);
      expect(statefulRef(read[0]?.Resource)).toBe(secret);
    }
  });

  it('gives every function each setting its configuration requires, so none fails at start', () => {
    for (const fn of FUNCTIONS) {
      // Values are CloudFormation references here; only their presence matters.
      const env = Object.fromEntries(
        Object.entries(environment(fn)).map(([name, value]) => [
          name,
          typeof value === 'string' ? value : `https://reference.example/${name}`,
        ]),
      );
      expect(() => loadConfig({ ...env, HERALD_PUBLIC_URL: 'https://newsletter.example' }), fn).not.toThrow();
    }
  });

  it('scopes SES sending to the identity and the configuration set', () => {
    for (const fn of ['Api', 'Sender']) {
      const send = statements(fn).find((s) => [s.Action].flat().includes('ses:SendBulkEmail'));
      const resources = JSON.stringify(send?.Resource);
      expect(resources).toContain(':identity/secon.example');
      expect(resources).toContain(':configuration-set/');
      expect(resources).not.toContain('"*"');
    }
  });

  it('grants ses:GetAccount (the daily quota) to the functions that start or make sends, and sending to ScheduledSend never', () => {
    for (const fn of ['Sender', 'Api', 'ScheduledSend']) expect(actions(fn)).toContain('ses:GetAccount');
    expect(actions('ScheduledSend').filter((a) => a.startsWith('ses:Send'))).toEqual([]);
    expect(actions('SesEvents').filter((a) => a.startsWith('ses:'))).toEqual([]);
  });

  it('lets ScheduledSend write issues, read content and the audience index, and not touch deliveries', () => {
    const on = (table: string) =>
      statements('ScheduledSend')
        .filter((s) => JSON.stringify(s.Resource).includes(table))
        .flatMap((s) => s.Action);
    expect(on('Issues')).toEqual(expect.arrayContaining(['dynamodb:UpdateItem', 'dynamodb:PutItem']));
    expect(on('Content')).toContain('dynamodb:Query');
    expect(on('Content')).not.toContain('dynamodb:PutItem');
    expect(on('Subscribers')).not.toContain('dynamodb:PutItem');
    const audienceIndex = statements('ScheduledSend').find((s) =>
      JSON.stringify(s.Resource).includes('/index/byAudience'),
    );
    expect([audienceIndex?.Action].flat()).toContain('dynamodb:Query');
    expect(on('Deliveries')).toEqual([]);
  });

  it('never lets a function scan a table', () => {
    for (const fn of FUNCTIONS) expect(actions(fn)).not.toContain('dynamodb:Scan');
  });

  it('lets the Api alone create and delete the schedules of the group and pass the invoke role to the scheduler', () => {
    const scheduler = statements('Api').filter((s) => [s.Action].flat().some((a) => a.startsWith('scheduler:')));
    expect(scheduler).toHaveLength(1);
    expect([scheduler[0]?.Action].flat().sort()).toEqual(['scheduler:CreateSchedule', 'scheduler:DeleteSchedule']);
    // arn:<partition>:scheduler:<region>:<account>:schedule/herald-sends/*
    const parts = (scheduler[0]?.Resource as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    const arn = parts.map((part) => (typeof part === 'string' ? part : '<x>')).join('');
    expect(arn).toBe(`arn:<x>:scheduler:<x>:<x>:schedule/${SCHEDULE_GROUP_NAME}/*`);

    const passRole = statements('Api').filter((s) => [s.Action].flat().includes('iam:PassRole'));
    expect(passRole).toEqual([
      {
        Action: 'iam:PassRole',
        Effect: 'Allow',
        Resource: arnOf('Schedules', 'InvokeRole'),
        Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      },
    ]);
    for (const fn of ['ScheduledSend', 'Sender', 'SesEvents']) {
      expect(actions(fn).filter((a) => a.startsWith('scheduler:') || a.startsWith('iam:'))).toEqual([]);
    }
  });
});

describe('send queue', () => {
  it('feeds the Sender one message at a time, reporting failures per message, as many at once as 14 emails/s need', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId(herald.stateless.node.findChild('Sender')) },
      EventSourceArn: { 'Fn::GetAtt': [logicalId(herald.stateless.node.findChild('SendQueue')), 'Arn'] },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Herald sender'),
      ReservedConcurrentExecutions: 2,
    });
  });

  it('sets the event source and the reserved concurrency of the Sender from the same herald:maxSendRate', () => {
    const custom = synthHerald({ context: { 'herald:maxSendRate': '1000' } });
    custom.statelessTemplate.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ScalingConfig: { MaximumConcurrency: 21 },
    });
    custom.statelessTemplate.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Herald sender'),
      ReservedConcurrentExecutions: 21,
    });
  });

  it('refuses a send rate that is not a positive whole number', () => {
    expect(() => buildHerald({ context: { 'herald:maxSendRate': '0' } })).toThrow(/herald:maxSendRate/);
  });

  it('feeds the FanOut one segment job at a time from its own queue, and lets it fill the send queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId(herald.stateless.node.findChild('FanOut')) },
      EventSourceArn: { 'Fn::GetAtt': [logicalId(herald.stateless.node.findChild('FanOutQueue')), 'Arn'] },
      BatchSize: 1,
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Herald fan-out'),
      Environment: { Variables: Match.objectLike({ SEND_QUEUE_URL: Match.anyValue() }) },
    });
  });

  it('moves a batch to the dead-letter queue after five receives and keeps it 14 days', () => {
    const deadLetters = logicalId(herald.stateless.node.findChild('SendDeadLetters'));
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [deadLetters, 'Arn'] }, maxReceiveCount: 5 },
      SqsManagedSseEnabled: true,
    });
    expect(resource('SendDeadLetters').Properties).toMatchObject({
      MessageRetentionPeriod: 14 * 24 * 3600,
      SqsManagedSseEnabled: true,
    });
  });

  it('refuses requests without TLS on all six queues (send, fan-out, SES events and their dead letters)', () => {
    template.resourcePropertiesCountIs(
      'AWS::SQS::QueuePolicy',
      {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      },
      6,
    );
  });
});

describe('scheduled sends', () => {
  it('runs ScheduledSend for up to five minutes with the memory the Api renders with', () => {
    expect(resource('ScheduledSend').Properties).toMatchObject({ Timeout: 300, MemorySize: 1024 });
  });

  it('keeps the schedules in their own group', () => {
    template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
    template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: SCHEDULE_GROUP_NAME });
  });

  it('invokes ScheduledSend with a role only schedules of the group in this account can assume', () => {
    const role = herald.stateless.node.findChild('Schedules').node.findChild('InvokeRole');
    const { Properties } = template.toJSON().Resources[logicalId(role)];
    expect(Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: {
          StringEquals: {
            'aws:SourceAccount': { Ref: 'AWS::AccountId' },
            'aws:SourceArn': arnOf('Schedules', 'Group'),
          },
        },
      },
    ]);
    expect(Properties).not.toHaveProperty('ManagedPolicyArns');
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: logicalId(role) }] },
    });
    expect(Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement)).toEqual([
      { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: arnOf('ScheduledSend') },
    ]);
  });

  it('tells the Api the group, the function to invoke and the role to invoke it with', () => {
    expect(environment('Api')).toMatchObject({
      SCHEDULE_GROUP: SCHEDULE_GROUP_NAME,
      SCHEDULED_SEND_FUNCTION_ARN: arnOf('ScheduledSend'),
      SCHEDULER_ROLE_ARN: arnOf('Schedules', 'InvokeRole'),
    });
    for (const fn of ['ScheduledSend', 'Sender', 'SesEvents']) {
      expect(Object.keys(environment(fn)).filter((name) => name.includes('SCHEDULE'))).toEqual([]);
    }
  });
});

describe('SES events', () => {
  it("queues the events of the stateful stack's SES events topic, raw, for SesEvents 100 at a time", () => {
    const queue = logicalId(herald.stateless.node.findChild('SesEventsQueue'));
    const subscription = Object.values(
      template.findResources('AWS::SNS::Subscription', {
        Properties: { Protocol: 'sqs', Endpoint: { 'Fn::GetAtt': [queue, 'Arn'] }, RawMessageDelivery: true },
      }),
    );
    expect(subscription).toHaveLength(1);
    expect(statefulRef(subscription[0]?.Properties.TopicArn)).toBe(
      logicalId(herald.stateful.node.findChild('SesEvents')),
    );
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queue }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage' }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queue, 'Arn'] },
      FunctionName: { Ref: logicalId(herald.stateless.node.findChild('SesEvents')) },
      BatchSize: SES_EVENTS_BATCH_SIZE,
      MaximumBatchingWindowInSeconds: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('keeps the SES events it could not ingest in a dead-letter queue', () => {
    expect(resource('SesEventsQueue').Properties.RedrivePolicy).toMatchObject({
      deadLetterTargetArn: {
        'Fn::GetAtt': [logicalId(herald.stateless.node.findChild('SesEventsDeadLetters')), 'Arn'],
      },
    });
  });
});

describe('HTTP API', () => {
  const routes = () =>
    Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (route) =>
        route.Properties as { RouteKey: string; AuthorizationType?: string; AuthorizerId?: unknown; Target: unknown },
    );
  const routeFor = (spec: RouteSpec) => routes().find((route) => route.RouteKey === `${spec.method} ${spec.path}`);
  const authorizerId = () => Object.keys(template.findResources('AWS::ApiGatewayV2::Authorizer'))[0];

  it('has one route per entry of the route table, all to the Api function, and no catch-all', () => {
    const integrations = Object.keys(
      template.findResources('AWS::ApiGatewayV2::Integration', {
        Properties: {
          IntegrationType: 'AWS_PROXY',
          PayloadFormatVersion: '2.0',
          IntegrationUri: { 'Fn::GetAtt': [logicalId(herald.stateless.node.findChild('Api')), 'Arn'] },
        },
      }),
    );
    expect(integrations).toHaveLength(1);
    expect(
      routes()
        .map((route) => route.RouteKey)
        .sort(),
    ).toEqual(
      Object.values(ROUTES)
        .map((spec) => `${spec.method} ${spec.path}`)
        .sort(),
    );
    for (const route of routes()) {
      expect(route.Target).toEqual({ 'Fn::Join': ['', ['integrations/', { Ref: integrations[0] }]] });
    }
    expect(routes().map((route) => route.RouteKey)).not.toContain('$default');
  });

  it('makes public exactly the archive, the subscriber and the tracking routes', () => {
    const publicRoutes = Object.values(ROUTES)
      .filter((spec) => spec.access === 'public')
      .map((spec) => `${spec.method} ${spec.path}`);
    expect(publicRoutes.sort()).toEqual(
      [
        'GET /archive/{issueId}/{lang}',
        'GET /subscribe',
        'POST /api/subscribe',
        'GET /api/subscribe/confirm',
        'POST /api/subscribe/confirm',
        'GET /unsubscribe/{token}',
        'POST /unsubscribe/{token}',
        'GET /api/preferences/{token}',
        'PUT /api/preferences/{token}',
        'DELETE /api/preferences/{token}',
        'GET /api/preferences/{token}/export',
        'GET /preferences/{token}',
        'POST /preferences/{token}',
        'POST /preferences/{token}/erase',
        'GET /t/open/{token}',
        'GET /t/click/{token}',
      ].sort(),
    );
    const open = routes().filter((route) => route.AuthorizationType === 'NONE' || !route.AuthorizationType);
    expect(open.map((route) => route.RouteKey).sort()).toEqual(publicRoutes.sort());
  });

  it.each(Object.entries(ROUTES))('puts the JWT authorizer on %s unless it is public', (_name, spec) => {
    const route = routeFor(spec);
    if (spec.access === 'public') {
      expect(route).toMatchObject({ AuthorizationType: 'NONE' });
      expect(route).not.toHaveProperty('AuthorizerId');
    } else {
      expect(route).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizerId() } });
    }
  });

  it('accepts JWTs issued by the user pool to the web client', () => {
    const [authorizer] = Object.values(template.findResources('AWS::ApiGatewayV2::Authorizer'));
    expect(authorizer?.Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
    });
    const { Issuer, Audience } = authorizer?.Properties.JwtConfiguration as { Issuer: unknown; Audience: unknown[] };
    // `https://cognito-idp.<region>.amazonaws.com/<user pool id>`
    const parts = (Issuer as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    const prefix = parts.slice(0, -1).map((part) => (typeof part === 'string' ? part : '<region>'));
    expect(prefix.join('')).toMatch(/^https:\/\/cognito-idp\.[^/]+\.amazonaws\.com\/$/);
    expect(statefulRef(parts.at(-1))).toBe(logicalId(herald.stateful.userPool));
    expect(Audience).toHaveLength(1);
    expect(statefulRef(Audience[0])).toBe(logicalId(herald.stateful.webClient));
  });

  it('lets API Gateway invoke the Api function through one permission for the whole API', () => {
    const api = logicalId(herald.stateless.node.findChild('Api'));
    const permissions = template.findResources('AWS::Lambda::Permission', {
      Properties: { Principal: 'apigateway.amazonaws.com', FunctionName: { 'Fn::GetAtt': [api, 'Arn'] } },
    });
    expect(Object.keys(permissions)).toHaveLength(1);
  });

  it('logs access to a log group and throttles the default stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [logicalId(herald.stateless.node.findChild('HttpApiAccessLogs')), 'Arn'] },
        Format: Match.stringLikeRegexp('\\$context\\.requestId'),
      },
      DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
    });
  });

  it('deploys after the stateful stack it reads from', () => {
    expect(herald.stateless.dependencies).toContain(herald.stateful);
  });
});
