// Infra tests of the stateless stack: functions, their bindings, the send queue, scheduled sends, the SES events
// subscription, the HTTP API (split between a public, an unsubscribe and an editor function, throttled per route),
// the alarms and the dashboard of sends.
import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SES_EVENTS_BATCH_SIZE } from '../../contracts/limits.ts';
import { apiFunctionOf, ROUTES, type ApiFunction, type RouteName, type RouteSpec } from '../../contracts/routes.ts';
import { apiGatewayPaths } from '../../infra/route-keys.ts';
import { loadConfig } from '../../functions/wiring/config.ts';
import {
  EDITOR_API_CONCURRENCY,
  IMAGES_API_CONCURRENCY,
  EDITOR_THROTTLE,
  MIN_UNRESERVED_CONCURRENCY,
  PUBLIC_API_CONCURRENCY,
  throttleOf,
  UNSUBSCRIBE_API_CONCURRENCY,
} from '../../infra/api-limits.ts';
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

const FUNCTIONS = [
  'PublicApi',
  'UnsubscribeApi',
  'EditorApi',
  'ImagesApi',
  'ScheduledSend',
  'FanOut',
  'Sender',
  'SesEvents',
];
/** sharp's binaries come from node_modules, installed for linux-x64: the ImagesApi runs there. */
const X86_FUNCTIONS = ['ImagesApi'];
/** The three functions behind the HTTP API, by the name `apiFunctionOf` gives them. */
const CONSTRUCT_OF: Record<ApiFunction, string> = {
  public: 'PublicApi',
  unsubscribe: 'UnsubscribeApi',
  editor: 'EditorApi',
  images: 'ImagesApi',
};
const API_FUNCTIONS = Object.values(CONSTRUCT_OF);
/**
 * The functions that sign or check links (signup, unsubscribe, preferences, tracking; an admin's resent confirmation
 * and erasure, whose rate-limit keys are pseudonyms keyed with it; an import's confirmation emails and its erasure
 * marks): they read the token secret.
 */
const TOKEN_FUNCTIONS = ['PublicApi', 'UnsubscribeApi', 'EditorApi', 'Sender'];
/** The functions that send mail or check the sending quota. */
const SES_FUNCTIONS = ['PublicApi', 'EditorApi', 'ScheduledSend', 'Sender'];

describe('functions', () => {
  it('runs eight functions on arm64 (the ImagesApi on x86_64) with Node.js 24, ES module bundles and source maps', () => {
    // The ninth function is BucketDeployment's own handler (Python).
    template.resourcePropertiesCountIs('AWS::Lambda::Function', { Runtime: 'nodejs24.x' }, 8);
    for (const fn of FUNCTIONS) {
      expect(resource(fn).Properties).toMatchObject({
        Architectures: [X86_FUNCTIONS.includes(fn) ? 'x86_64' : 'arm64'],
        Runtime: 'nodejs24.x',
        Handler: 'index.handler',
        Environment: { Variables: expect.objectContaining({ NODE_OPTIONS: '--enable-source-maps' }) },
      });
    }
  });

  it('names the service and the metrics namespace for Powertools in every function', () => {
    for (const fn of FUNCTIONS) {
      expect(environment(fn)).toMatchObject({
        POWERTOOLS_SERVICE_NAME: 'herald',
        POWERTOOLS_METRICS_NAMESPACE: 'Herald',
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
    // No content: the public routes read issues' editions and counters, subscribers and their deliveries.
    ['PublicApi', ['Issues', 'Subscribers', 'Deliveries']],
    // The subscriber, the counters and the recipient's delivery record, which an unsubscribe is counted on.
    ['UnsubscribeApi', ['Issues', 'Subscribers', 'Deliveries']],
    // Deliveries: a subscriber's page shows them, and an admin's erasure anonymizes them.
    ['EditorApi', ['Content', 'Issues', 'Subscribers', 'Deliveries']],
    ['ScheduledSend', ['Content', 'Issues', 'Subscribers']],
    ['FanOut', ['Issues', 'Subscribers', 'Deliveries']],
    ['Sender', ['Issues', 'Subscribers', 'Deliveries']],
    ['SesEvents', ['Issues', 'Subscribers', 'Deliveries']],
  ])('tells %s the names of exactly the tables it uses: %j', (fn, tables) => {
    const env = environment(fn);
    const tableVars = Object.keys(env).filter((name) => name.endsWith('_TABLE'));
    expect(tableVars.sort()).toEqual(tables.map((table) => `${table.toUpperCase()}_TABLE`).sort());
    for (const table of tables) expect(statefulRef(env[`${table.toUpperCase()}_TABLE`])).toBe(tableId(table));
  });

  it('gives the functions that use SES the configuration set and the sender, and every function the public URL', () => {
    const configurationSet = logicalId(herald.stateful.node.findChild('ConfigurationSet'));
    for (const fn of FUNCTIONS) {
      const env = environment(fn);
      expect(env.HERALD_PUBLIC_URL).toBe('https://newsletter.secon.example');
      if (!SES_FUNCTIONS.includes(fn)) {
        expect(env, fn).not.toHaveProperty('SES_CONFIGURATION_SET');
        continue;
      }
      expect(statefulRef(env.SES_CONFIGURATION_SET)).toBe(configurationSet);
      expect(env.HERALD_FROM_ADDRESS).toBe('SECON Newsletter <newsletter@secon.example>');
    }
  });

  it('points every function at the project profile in its bundle', () => {
    for (const fn of FUNCTIONS)
      expect(environment(fn).HERALD_PROJECT, fn).toBe('/var/task/project/herald.project.json');
  });

  it('points the rendering functions at the templates and locales in their bundle', () => {
    for (const fn of ['PublicApi', 'UnsubscribeApi', 'EditorApi', 'ScheduledSend']) {
      expect(environment(fn).HERALD_ASSETS_DIR).toBe('/var/task');
    }
    for (const fn of ['FanOut', 'Sender', 'SesEvents']) expect(environment(fn)).not.toHaveProperty('HERALD_ASSETS_DIR');
  });

  it('gives the PublicApi the signup limits, 10 per IP per minute and 5 per address per hour by default', () => {
    expect(environment('PublicApi')).toMatchObject({
      HERALD_SIGNUP_RATE_LIMIT: '10',
      HERALD_SIGNUP_ADDRESS_LIMIT: '5',
    });
    for (const fn of FUNCTIONS.filter((f) => f !== 'PublicApi')) {
      expect(Object.keys(environment(fn)).filter((name) => name.startsWith('HERALD_SIGNUP_'))).toEqual([]);
    }
  });

  it('takes the signup limits from herald:signupRateLimit and herald:signupAddressLimit', () => {
    // A number as cdk.json holds it, a string as `cdk synth -c` passes it.
    const custom = synthHerald({ context: { 'herald:signupRateLimit': 30, 'herald:signupAddressLimit': '3' } });
    const api = custom.statelessTemplate.toJSON().Resources[logicalId(custom.stateless.node.findChild('PublicApi'))];
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

  it('gives the functions that sign or check links the ARN of the token secret, never its value, and no other', () => {
    const secret = logicalId(herald.stateful.tokenSecret);
    for (const fn of TOKEN_FUNCTIONS) expect(statefulRef(environment(fn).TOKEN_SECRET_ARN)).toBe(secret);
    for (const fn of FUNCTIONS.filter((f) => !TOKEN_FUNCTIONS.includes(f))) {
      expect(environment(fn), fn).not.toHaveProperty('TOKEN_SECRET_ARN');
    }
    for (const fn of FUNCTIONS) expect(environment(fn)).not.toHaveProperty('HERALD_TOKEN_SECRET');
  });

  it('gives the three API functions, and no other, the ARN of the secret CloudFront sends them', () => {
    for (const fn of API_FUNCTIONS) {
      expect(environment(fn).EDGE_SECRET_ARN).toEqual({
        Ref: logicalId(herald.stateless.node.findChild('EdgeSecret')),
      });
    }
    for (const fn of ['ScheduledSend', 'FanOut', 'Sender', 'SesEvents']) {
      expect(environment(fn)).not.toHaveProperty('EDGE_SECRET_ARN');
    }
  });

  it('gives the functions that start sends the fan-out queue, the fan-out the send queue, and none a shared admin token', () => {
    for (const fn of ['EditorApi', 'ScheduledSend']) {
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
    for (const fn of ['PublicApi', 'UnsubscribeApi']) expect(environment(fn)).not.toHaveProperty('FAN_OUT_QUEUE_URL');
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

  /** The DynamoDB actions a function may take on a table's items (index ARNs left out). */
  const onTable = (fn: string, table: string) =>
    statements(fn)
      .filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')))
      .filter((s) => [s.Resource].flat().some((r) => JSON.stringify(r).includes(table) && !isIndex(r)))
      .flatMap((s) => [s.Action].flat());
  /** The DynamoDB actions a function may take on an index. */
  const onIndex = (fn: string, index: string) =>
    statements(fn)
      .filter((s) => JSON.stringify(s.Resource).includes(`/index/${index}`))
      .flatMap((s) => [s.Action].flat());
  const isIndex = (resource: unknown) => JSON.stringify(resource).includes('/index/');
  const WRITES = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

  it('lets the PublicApi write subscribers (signup, confirmation, unsubscribe, preferences, erasure, rate limits)', () => {
    expect(onTable('PublicApi', 'Subscribers').sort()).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
    // It never reads the audience of a send.
    expect(onIndex('PublicApi', 'byAudience')).toEqual([]);
  });

  it('gives the PublicApi no access to content, no scheduler and no queue', () => {
    expect(onTable('PublicApi', 'Content')).toEqual([]);
    expect(JSON.stringify(statements('PublicApi'))).not.toContain('Content');
    expect(actions('PublicApi').filter((a) => /^(scheduler|sqs|iam):/.test(a))).toEqual([]);
    expect(actions('PublicApi').filter((a) => a.startsWith('ses:'))).toEqual(['ses:SendBulkEmail']);
  });

  it('lets the PublicApi read editions and add to counters, but neither put nor delete an issue', () => {
    expect(onTable('PublicApi', 'Issues').sort()).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    expect(onIndex('PublicApi', 'byCreatedAt')).toEqual(['dynamodb:Query']);
    expect(onTable('PublicApi', 'Deliveries').sort()).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
  });

  it('lets the EditorApi count the audience from its index, manage subscribers for admins and import them', () => {
    // An import reads its rows' states (and the erasure marks) 100 at a time, and creates with a conditional PutItem.
    expect(onTable('EditorApi', 'Subscribers').sort()).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Scan',
      'dynamodb:UpdateItem',
    ]);
    expect(onIndex('EditorApi', 'byAudience')).toEqual(['dynamodb:Query']);
    expect(onIndex('EditorApi', 'byEmail')).toEqual([]);
    // A subscriber's delivery history, and an erasure's anonymous records in place of theirs: no update, no query.
    expect(onTable('EditorApi', 'Deliveries').sort()).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
    ]);
  });

  it('lets the EditorApi write content and issues (deleting drafts), and neither batch-write nor scan', () => {
    expect(onTable('EditorApi', 'Content').sort()).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
    ]);
    expect(onTable('EditorApi', 'Issues').sort()).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
  });

  it('lets the UnsubscribeApi read a subscriber and unsubscribe them, count the unsubscribe once, and nothing else', () => {
    // The conditional write that ends the subscription; the page reads the subscriber.
    expect(onTable('UnsubscribeApi', 'Subscribers').sort()).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    // The counters only: no edition or issue is read.
    expect(onTable('UnsubscribeApi', 'Issues')).toEqual(['dynamodb:UpdateItem']);
    // The recipient's delivery record, marked once.
    expect(onTable('UnsubscribeApi', 'Deliveries').sort()).toEqual(['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    expect(statements('UnsubscribeApi').filter((s) => JSON.stringify(s.Resource).includes('/index/'))).toEqual([]);
    expect(JSON.stringify(statements('UnsubscribeApi'))).not.toContain('Content');
    // Besides DynamoDB: its log group, the link-signing key and the edge secret.
    expect(
      [...new Set(actions('UnsubscribeApi').map((a) => a.split(':')[0]))].sort(),
      'services the UnsubscribeApi may use',
    ).toEqual(['dynamodb', 'logs', 'secretsmanager']);
  });

  it('lets no function but the PublicApi, the UnsubscribeApi, the EditorApi (admins, imports), the Sender and SesEvents write subscribers', () => {
    for (const fn of ['ScheduledSend', 'FanOut']) {
      expect(
        onTable(fn, 'Subscribers').filter((a) => WRITES.includes(a)),
        fn,
      ).toEqual([]);
    }
  });

  /** The actions a function may take on a secret (statements name several resources once merged). */
  const onSecret = (fn: string, isSecret: (resource: unknown) => boolean) =>
    statements(fn)
      .filter((s) => [s.Resource].flat().some(isSecret))
      .flatMap((s) => [s.Action].flat())
      .sort();
  const SECRET_READ = ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'];

  it('lets the functions that sign or check links read the token secret, and no other function', () => {
    const isTokenSecret = (resource: unknown) => statefulRef(resource) === logicalId(herald.stateful.tokenSecret);
    for (const fn of TOKEN_FUNCTIONS) expect(onSecret(fn, isTokenSecret), fn).toEqual(SECRET_READ);
    for (const fn of FUNCTIONS.filter((f) => !TOKEN_FUNCTIONS.includes(f))) {
      expect(onSecret(fn, isTokenSecret), fn).toEqual([]);
    }
  });

  it('lets the three API functions read the edge secret, and no other function', () => {
    const edgeSecret = JSON.stringify({ Ref: logicalId(herald.stateless.node.findChild('EdgeSecret')) });
    const isEdgeSecret = (resource: unknown) => JSON.stringify(resource) === edgeSecret;
    for (const fn of API_FUNCTIONS) expect(onSecret(fn, isEdgeSecret), fn).toEqual(SECRET_READ);
    for (const fn of ['ScheduledSend', 'FanOut', 'Sender', 'SesEvents']) {
      expect(onSecret(fn, isEdgeSecret), fn).toEqual([]);
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

  it('scopes SES sending to the identity and the configuration set of the stateful stack', () => {
    const identityId = logicalId(herald.stateful.node.findChild('SendingDomain').node.findChild('Identity'));
    const configurationSetId = logicalId(herald.stateful.node.findChild('ConfigurationSet'));
    for (const fn of ['PublicApi', 'EditorApi', 'Sender']) {
      const send = statements(fn).find((s) => [s.Action].flat().includes('ses:SendBulkEmail'));
      // Each ARN is `arn:…:ses:…:<kind>/` joined to a reference to the stateful stack's resource.
      const arns = [send?.Resource].flat() as { 'Fn::Join': [string, unknown[]] }[];
      const scoped = arns.map((arn) => {
        const parts = arn['Fn::Join'][1];
        return `${String(parts.at(-2)).split(':').at(-1)}${statefulRef(parts.at(-1))}`;
      });
      expect(scoped.sort(), fn).toEqual([`configuration-set/${configurationSetId}`, `identity/${identityId}`]);
    }
  });

  it('grants ses:GetAccount (the daily quota) to the functions that start or make sends, and sending to ScheduledSend never', () => {
    for (const fn of ['Sender', 'EditorApi', 'ScheduledSend']) expect(actions(fn)).toContain('ses:GetAccount');
    expect(actions('ScheduledSend').filter((a) => a.startsWith('ses:Send'))).toEqual([]);
    for (const fn of ['SesEvents', 'FanOut']) expect(actions(fn).filter((a) => a.startsWith('ses:'))).toEqual([]);
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

  it("lets no function scan a table but the EditorApi the Subscribers table (the admins' list)", () => {
    for (const fn of FUNCTIONS.filter((f) => f !== 'EditorApi')) expect(actions(fn)).not.toContain('dynamodb:Scan');
    const scans = statements('EditorApi').filter((s) => [s.Action].flat().includes('dynamodb:Scan'));
    expect(scans.map((s) => JSON.stringify(s.Resource))).toEqual([expect.stringContaining('Subscribers')]);
  });

  it('lets the EditorApi alone create and delete the schedules of the group and pass the invoke role to the scheduler', () => {
    const scheduler = statements('EditorApi').filter((s) => [s.Action].flat().some((a) => a.startsWith('scheduler:')));
    expect(scheduler).toHaveLength(1);
    expect([scheduler[0]?.Action].flat().sort()).toEqual(['scheduler:CreateSchedule', 'scheduler:DeleteSchedule']);
    // arn:<partition>:scheduler:<region>:<account>:schedule/herald-sends/*
    const parts = (scheduler[0]?.Resource as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    const arn = parts.map((part) => (typeof part === 'string' ? part : '<x>')).join('');
    expect(arn).toBe(`arn:<x>:scheduler:<x>:<x>:schedule/${SCHEDULE_GROUP_NAME}/*`);

    const passRole = statements('EditorApi').filter((s) => [s.Action].flat().includes('iam:PassRole'));
    expect(passRole).toEqual([
      {
        Action: 'iam:PassRole',
        Effect: 'Allow',
        Resource: arnOf('Schedules', 'InvokeRole'),
        Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      },
    ]);
    for (const fn of FUNCTIONS.filter((f) => f !== 'EditorApi')) {
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
  it('runs ScheduledSend for up to five minutes with the memory the API functions render with', () => {
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

  it('tells the EditorApi the group, the function to invoke and the role to invoke it with', () => {
    expect(environment('EditorApi')).toMatchObject({
      SCHEDULE_GROUP: SCHEDULE_GROUP_NAME,
      SCHEDULED_SEND_FUNCTION_ARN: arnOf('ScheduledSend'),
      SCHEDULER_ROLE_ARN: arnOf('Schedules', 'InvokeRole'),
    });
    for (const fn of FUNCTIONS.filter((f) => f !== 'EditorApi')) {
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

describe('alarms and dashboard', () => {
  type Alarm = { Properties: Record<string, unknown> };
  const alarms = () => Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Alarm[];
  const alarmTopicId = () => logicalId(herald.stateful.node.findChild('ReputationAlarms').node.findChild('Topic'));
  /** Every queue another queue sends its failed messages to. */
  const deadLetterQueueIds = () =>
    Object.values(template.findResources('AWS::SQS::Queue'))
      .map((q) => q.Properties.RedrivePolicy?.deadLetterTargetArn?.['Fn::GetAtt']?.[0] as string | undefined)
      .filter((id): id is string => id !== undefined);

  it('raises an alarm, to the alarms topic, as soon as any dead-letter queue holds a message', () => {
    const ids = deadLetterQueueIds();
    expect(ids.sort()).toEqual(
      ['SendDeadLetters', 'FanOutDeadLetters', 'SesEventsDeadLetters']
        .map((id) => logicalId(herald.stateless.node.findChild(id)))
        .sort(),
    );
    for (const id of ids) {
      const found = alarms().filter(
        (a) =>
          JSON.stringify(a.Properties.Dimensions) ===
          JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }]),
      );
      expect(found, id).toHaveLength(1);
      const alarm = found[0]!.Properties;
      expect(alarm).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 1,
      });
      expect((alarm.AlarmActions as unknown[]).map(statefulRef)).toEqual([alarmTopicId()]);
    }
  });

  it("raises an alarm, to the alarms topic, on any error of the Sender's invocations", () => {
    const sender = alarms().filter((a) => a.Properties.MetricName === 'Errors');
    expect(sender).toHaveLength(1);
    expect(sender[0]!.Properties).toMatchObject({
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(herald.stateless.node.findChild('Sender')) } }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect((sender[0]!.Properties.AlarmActions as unknown[]).map(statefulRef)).toEqual([alarmTopicId()]);
  });

  it('charts recipients per second, SES throttles, dead letters and the bounce and complaint rates', () => {
    const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    // The body is JSON joined with references: each reference becomes `<logical ID>` or `<logical ID.attribute>`.
    const [, parts] = dashboards[0]!.Properties.DashboardBody['Fn::Join'] as [string, unknown[]];
    const text = parts
      .map((part) => {
        if (typeof part === 'string') return part;
        const { Ref: ref, 'Fn::GetAtt': getAtt } = part as { Ref?: string; 'Fn::GetAtt'?: string[] };
        return `<${ref ?? getAtt!.join('.')}>`;
      })
      .join('');
    type Metrics = (string | Record<string, unknown>)[][];
    const body = JSON.parse(text) as { widgets: { properties: { title?: string; metrics?: Metrics } }[] };
    const graphs: Record<string, Metrics> = Object.fromEntries(
      body.widgets.filter((w) => w.properties.metrics).map((w) => [w.properties.title, w.properties.metrics!]),
    );
    // The functions' metrics summed over whatever dimensions they carry, per second of a 60-second period.
    const rate = (metric: string) => `SUM(SEARCH('Namespace="Herald" MetricName="${metric}"', 'Sum', 60))/60`;
    const expressions = (title: string) => graphs[title]!.map((m) => (m.at(-1) as { expression?: string }).expression);
    expect(expressions('Recipients per second')).toEqual([rate('RecipientsSent'), rate('RecipientsFailed')]);
    expect(expressions('SES throttles (per second) and Sender errors')[0]).toBe(rate('SesThrottles'));
    expect(graphs['Messages in dead-letter queues']!.map((m) => m.slice(0, 4))).toEqual(
      deadLetterQueueIds().map((id) => [
        'AWS/SQS',
        'ApproximateNumberOfMessagesVisible',
        'QueueName',
        `<${id}.QueueName>`,
      ]),
    );
    expect(graphs['SES Reputation.BounceRate (account)']![0]!.slice(0, 2)).toEqual([
      'AWS/SES',
      'Reputation.BounceRate',
    ]);
    expect(graphs['SES Reputation.ComplaintRate (account)']![0]!.slice(0, 2)).toEqual([
      'AWS/SES',
      'Reputation.ComplaintRate',
    ]);
    expect(template.toJSON().Outputs.SendDashboardUrl).toBeDefined();
  });
});

describe('HTTP API', () => {
  const routes = () =>
    Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (route) =>
        route.Properties as { RouteKey: string; AuthorizationType?: string; AuthorizerId?: unknown; Target: unknown },
    );
  const gatewayPaths = apiGatewayPaths();
  /** A route's key in API Gateway: the table's path, with variables named so no two siblings differ. */
  const keyOf = (spec: RouteSpec) =>
    `${spec.method} ${gatewayPaths[(Object.keys(ROUTES) as RouteName[]).find((name) => ROUTES[name] === spec)!]}`;
  const routeFor = (spec: RouteSpec) => routes().find((route) => route.RouteKey === keyOf(spec));
  const authorizerId = () => Object.keys(template.findResources('AWS::ApiGatewayV2::Authorizer'))[0];

  /** The integration (Lambda proxy, payload 2.0) of one function. */
  const integrationOf = (fn: string) =>
    Object.keys(
      template.findResources('AWS::ApiGatewayV2::Integration', {
        Properties: {
          IntegrationType: 'AWS_PROXY',
          PayloadFormatVersion: '2.0',
          IntegrationUri: { 'Fn::GetAtt': [logicalId(herald.stateless.node.findChild(fn)), 'Arn'] },
        },
      }),
    );

  it('has one route per entry of the route table, and no catch-all', () => {
    expect(
      routes()
        .map((route) => route.RouteKey)
        .sort(),
    ).toEqual(Object.values(ROUTES).map(keyOf).sort());
    expect(routes().map((route) => route.RouteKey)).not.toContain('$default');
  });

  it('names the variables at one place of the paths alike, as API Gateway requires, matching the same requests', () => {
    const variable = (segment: string) => /^\{.+\}$/.test(segment);
    const keys = routes().map((route) => route.RouteKey.split(' ')[1]!.split('/'));
    for (const a of keys) {
      for (const b of keys) {
        const shared = a.findIndex((segment, i) => segment !== b[i]);
        if (shared > 0 && shared < b.length && variable(a[shared]!) && variable(b[shared]!)) {
          expect.fail(
            `${a.join('/')} and ${b.join('/')} name the variable after ${a.slice(0, shared).join('/')} apart`,
          );
        }
      }
    }
    const shape = (path: string) => path.replace(/\{[^}]+\}/g, '{}');
    for (const [name, spec] of Object.entries(ROUTES) as [RouteName, RouteSpec][]) {
      expect(shape(gatewayPaths[name]), name).toBe(shape(spec.path));
    }
    expect([gatewayPaths.archiveIndex, gatewayPaths.archiveFeed, gatewayPaths.archive]).toEqual([
      '/archive/{issueId}',
      '/archive/{issueId}/feed.xml',
      '/archive/{issueId}/{lang}',
    ]);
  });

  /** The function each route must reach: the unsubscribe link's two routes have their own. */
  const expectedFunction = (spec: RouteSpec) =>
    spec.access !== 'public'
      ? spec.path.startsWith('/api/images')
        ? 'ImagesApi'
        : 'EditorApi'
      : spec.path === '/unsubscribe/{token}'
        ? 'UnsubscribeApi'
        : 'PublicApi';

  it.each(Object.entries(ROUTES))(
    'sends %s to the UnsubscribeApi if it is an unsubscribe route, else to the PublicApi if it is public, else to the ImagesApi or the EditorApi',
    (_name, spec) => {
      const fn = expectedFunction(spec);
      expect(CONSTRUCT_OF[apiFunctionOf(spec)]).toBe(fn);
      const [integration] = integrationOf(fn);
      expect(integrationOf(fn)).toHaveLength(1);
      expect(routeFor(spec)?.Target).toEqual({ 'Fn::Join': ['', ['integrations/', { Ref: integration }]] });
    },
  );

  it('gives the unsubscribe link its own function: both its routes, and nothing else', () => {
    const served = Object.values(ROUTES)
      .filter((spec) => apiFunctionOf(spec) === 'unsubscribe')
      .map((spec) => `${spec.method} ${spec.path}`);
    expect(served.sort()).toEqual(['GET /unsubscribe/{token}', 'POST /unsubscribe/{token}']);
  });

  it('makes public exactly the archive, the notices, the subscriber and the tracking routes', () => {
    const publicRoutes = Object.values(ROUTES)
      .filter((spec) => spec.access === 'public')
      .map((spec) => `${spec.method} ${spec.path}`);
    expect(publicRoutes.sort()).toEqual(
      [
        'GET /archive/{lang}',
        'GET /archive/{lang}/feed.xml',
        'GET /archive/{issueId}/{lang}',
        'GET /archive/{issueId}/{lang}/{recordId}',
        'GET /privacy',
        'GET /accessibility',
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
    expect(open.map((route) => route.RouteKey).sort()).toEqual(
      Object.values(ROUTES)
        .filter((spec) => spec.access === 'public')
        .map(keyOf)
        .sort(),
    );
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

  it('lets API Gateway invoke each API function through one permission for the whole API', () => {
    for (const fn of API_FUNCTIONS) {
      const permissions = template.findResources('AWS::Lambda::Permission', {
        Properties: {
          Principal: 'apigateway.amazonaws.com',
          FunctionName: { 'Fn::GetAtt': [logicalId(herald.stateless.node.findChild(fn)), 'Arn'] },
        },
      });
      expect(Object.keys(permissions), fn).toHaveLength(1);
    }
  });

  it('turns off the execute-api endpoint: the API answers at its custom domain only, over TLS 1.2', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { DisableExecuteApiEndpoint: true });
    template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'api.newsletter.secon.example',
      DomainNameConfigurations: [Match.objectLike({ EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' })],
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', {
      ApiId: { Ref: logicalId(herald.stateless.node.findChild('HttpApi')) },
      DomainName: { Ref: logicalId(herald.stateless.node.findChild('ApiDomain')) },
      Stage: '$default',
    });
    template.hasOutput('ApiDomainTarget', {
      Value: { 'Fn::GetAtt': [logicalId(herald.stateless.node.findChild('ApiDomain')), 'RegionalDomainName'] },
    });
  });

  it('takes the API domain and its certificate from herald:apiDomainName and herald:apiCertificateArn', () => {
    const certificateArn = 'arn:aws:acm:eu-central-1:123456789012:certificate/abc';
    const custom = synthHerald({
      context: { 'herald:apiDomainName': 'api.news.example.eu', 'herald:apiCertificateArn': certificateArn },
    });
    custom.statelessTemplate.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'api.news.example.eu',
      DomainNameConfigurations: [Match.objectLike({ CertificateArn: certificateArn })],
    });
    expect(
      Annotations.fromStack(custom.stateless).findWarning('*', Match.stringLikeRegexp('herald:apiCertificateArn')),
    ).toEqual([]);
  });

  it('warns that the deploy needs a certificate when herald:apiCertificateArn is not set', () => {
    expect(
      Annotations.fromStack(herald.stateless).findWarning('*', Match.stringLikeRegexp('herald:apiCertificateArn')),
    ).toHaveLength(1);
  });

  it.each([
    ['herald:apiDomainName', 'https://api.example.eu', /herald:apiDomainName must be a lower-case host name/],
    ['herald:apiCertificateArn', 'my-certificate', /herald:apiCertificateArn must be the ARN of an ACM certificate/],
  ])('refuses %s = %j', (key, value, message) => {
    expect(() => buildHerald({ context: { [key]: value } })).toThrow(message);
  });

  it("refuses a certificate outside the stack's region, which API Gateway cannot use", () => {
    process.env.CDK_DEFAULT_REGION = 'eu-central-1';
    try {
      const context = { 'herald:apiCertificateArn': 'arn:aws:acm:us-east-1:123456789012:certificate/abc' };
      expect(() => buildHerald({ context })).toThrow(/must be a certificate in eu-central-1, not in us-east-1/);
    } finally {
      delete process.env.CDK_DEFAULT_REGION;
    }
  });

  it('logs access to a log group', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [logicalId(herald.stateless.node.findChild('HttpApiAccessLogs')), 'Arn'] },
        Format: Match.stringLikeRegexp('\\$context\\.requestId'),
      },
    });
    // Paths carry subscribers' link tokens; the route's template says enough.
    const [stage] = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'));
    expect(stage?.Properties.AccessLogSettings.Format).not.toContain('$context.path');
  });

  describe('throttling', () => {
    type RouteSettings = Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }>;
    const httpApi = () => herald.stateless.node.findChild('HttpApi');
    const stage = () => template.toJSON().Resources[logicalId(httpApi().node.findChild('DefaultStage'))];
    const routeSettings = (): RouteSettings => stage().Properties.RouteSettings;

    it('gives every route a throttle of its own, so a flood on one route leaves the others their budget', () => {
      expect(Object.keys(routeSettings()).sort()).toEqual(Object.values(ROUTES).map(keyOf).sort());
      for (const spec of Object.values(ROUTES)) {
        expect(routeSettings()[keyOf(spec)]).toEqual({
          ThrottlingRateLimit: throttleOf(spec).rate,
          ThrottlingBurstLimit: throttleOf(spec).burst,
        });
      }
      // Any route added without settings gets the editor routes' budget.
      expect(stage().Properties.DefaultRouteSettings).toEqual({
        ThrottlingRateLimit: EDITOR_THROTTLE.rate,
        ThrottlingBurstLimit: EDITOR_THROTTLE.burst,
      });
    });

    it('gives one-click unsubscribes the most generous budget, above signup, tracking and the archive', () => {
      const unsubscribe = [ROUTES.unsubscribePage, ROUTES.unsubscribe].map((spec) => routeSettings()[keyOf(spec)]!);
      const others = Object.values(ROUTES)
        .filter((spec) => spec.access === 'public' && !spec.path.startsWith('/unsubscribe/'))
        .map((spec) => routeSettings()[keyOf(spec)]!);
      for (const budget of unsubscribe) {
        expect(budget.ThrottlingRateLimit).toBeGreaterThanOrEqual(100);
        for (const other of others) {
          expect(budget.ThrottlingRateLimit).toBeGreaterThan(other.ThrottlingRateLimit);
          expect(budget.ThrottlingBurstLimit).toBeGreaterThan(other.ThrottlingBurstLimit);
        }
      }
      // Preferences (and with them export and erasure) have their own budget, above signup's.
      expect(routeSettings()[keyOf(ROUTES.getPreferences)]!.ThrottlingRateLimit).toBeGreaterThan(
        routeSettings()[keyOf(ROUTES.subscribe)]!.ThrottlingRateLimit,
      );
    });

    it('creates the stage after its routes, which its route settings name', () => {
      const dependsOn: string[] = stage().DependsOn ?? [];
      for (const name of Object.keys(ROUTES)) {
        const route = logicalId(httpApi().node.findChild(`${name[0]!.toUpperCase()}${name.slice(1)}Route`));
        expect(dependsOn).toContain(route);
      }
    });

    const reservation = (fn: string): number | undefined => resource(fn).Properties.ReservedConcurrentExecutions;
    /** The requests per second a function's routes may take, each at its throttle. */
    const ratesOf = (fn: ApiFunction) =>
      Object.values(ROUTES)
        .filter((spec) => apiFunctionOf(spec) === fn)
        .reduce((sum, spec) => sum + throttleOf(spec).rate, 0);

    it('reserves concurrency for each API function: a public flood is capped and cannot starve the editor', () => {
      expect(reservation('PublicApi')).toBe(PUBLIC_API_CONCURRENCY);
      expect(reservation('UnsubscribeApi')).toBe(UNSUBSCRIBE_API_CONCURRENCY);
      expect(reservation('EditorApi')).toBe(EDITOR_API_CONCURRENCY);
    });

    it('holds room for both unsubscribe routes at their throttles in a reservation of their own', () => {
      // At 100 ms a request: 100/s on each of GET and POST.
      expect(ratesOf('unsubscribe')).toBe(200);
      expect(UNSUBSCRIBE_API_CONCURRENCY).toBeGreaterThanOrEqual(ratesOf('unsubscribe') / 10);
      // The PublicApi's covers its own routes, no longer the unsubscribe routes' too.
      expect(PUBLIC_API_CONCURRENCY).toBe(Math.ceil(ratesOf('public') / 10));
      expect(ratesOf('public') + ratesOf('unsubscribe')).toBe(
        Object.values(ROUTES)
          .filter((spec) => spec.access === 'public')
          .reduce((sum, spec) => sum + throttleOf(spec).rate, 0),
      );
    });

    it("counts every function's reservation, the UnsubscribeApi's included, against the account's concurrency", () => {
      const reserved = FUNCTIONS.reduce((sum, fn) => sum + (reservation(fn) ?? 0), 0);
      expect(reserved).toBe(
        reservation('Sender')! +
          PUBLIC_API_CONCURRENCY +
          UNSUBSCRIBE_API_CONCURRENCY +
          EDITOR_API_CONCURRENCY +
          IMAGES_API_CONCURRENCY,
      );
      const limit = reserved + MIN_UNRESERVED_CONCURRENCY;
      expect(() => buildHerald({ context: { 'herald:accountConcurrency': limit } })).not.toThrow();
      expect(() => buildHerald({ context: { 'herald:accountConcurrency': limit - 1 } })).toThrow(
        new RegExp(`reserve ${reserved} concurrent executions .*UnsubscribeApi ${UNSUBSCRIBE_API_CONCURRENCY}`),
      );
    });

    it("refuses to reserve more concurrency than the account's limit leaves unreserved", () => {
      expect(() => buildHerald({ context: { 'herald:accountConcurrency': 150 } })).toThrow(
        /reserve \d+ concurrent executions .* herald:accountConcurrency \(150\)/,
      );
      expect(() =>
        buildHerald({ context: { 'herald:accountConcurrency': 1000, 'herald:maxSendRate': 50_000 } }),
      ).toThrow(/herald:maxSendRate/);
    });
  });

  it('deploys after the stateful stack it reads from', () => {
    expect(herald.stateless.dependencies).toContain(herald.stateful);
  });
});
