// House construct for Herald's Lambda functions: fixes runtime, architecture, logs, source maps and bundling, and binds resources.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal, type IRole } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { TableDefinition } from '../../contracts/tables.ts';
import { PROFILE_ENV, resolveFromProfile, type Profile } from '../../contracts/profile.ts';

/** The repository root: handler entries, the lock file and the runtime assets are found from here. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The newest Node.js runtime aws-cdk-lib offers (NODEJS_LATEST would move under our feet). */
export const HERALD_RUNTIME = Runtime.NODEJS_24_X;

/** Lambda unpacks the bundle here, so templates/ and locales/ copied next to index.mjs land in this folder. */
export const LAMBDA_ASSETS_DIR = '/var/task';
// assets/: the report PDF's fonts and the EU emblem.
const ASSET_FOLDERS = ['templates', 'locales', 'assets'];
/** Where every bundle carries the project profile, with the files it names beside it (HERALD_PROJECT). */
export const BUNDLE_PROJECT_DIR = 'project';
export const LAMBDA_PROFILE_FILE = `${LAMBDA_ASSETS_DIR}/${BUNDLE_PROJECT_DIR}/herald.project.json`;

// CJS dependencies (mjml and friends) call require(); an ES module has none, so the bundle makes one.
// The alias keeps the banner's import from clashing with a bundled module that imports createRequire itself.
const REQUIRE_BANNER =
  "import { createRequire as heraldCreateRequire } from 'node:module'; const require = heraldCreateRequire(import.meta.url);";

/** A table and its definition from contracts/tables.ts, which names its env var and indexes. */
export interface HeraldTable {
  readonly table: ITableV2;
  readonly definition: TableDefinition;
}

/** A DynamoDB action on a table's items (or its description). */
export type TableAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'ConditionCheckItem'
  | 'DescribeTable'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'BatchWriteItem'
  | 'Scan';

/**
 * What a function may do with a table: `read` or `readWrite` on the table and every index, or exactly the
 * `actions` on the table and Query on the `indexes` named (for a function whose need is narrower).
 */
export type TableAccess = 'read' | 'readWrite' | { actions: readonly TableAction[]; indexes?: readonly string[] };

// Explicit actions instead of grantReadData(): Scan is left out (only the admins' subscriber list scans, and names it
// in `actions`) and the index ARNs are named one by one rather than `index/*`.
const READ_ACTIONS: readonly TableAction[] = [
  'GetItem',
  'BatchGetItem',
  'Query',
  'ConditionCheckItem',
  'DescribeTable',
];
const WRITE_ACTIONS: readonly TableAction[] = ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'];
const iamActions = (actions: readonly TableAction[]) => actions.map((action) => `dynamodb:${action}`);

/** What a function needs to send through SES: the configuration set, the verified identity and the sender. */
export interface SesSending {
  readonly configurationSetName: string;
  /** A verified SES identity, e.g. the domain `news.example.org`. */
  readonly identity: string;
  /** The From header, e.g. `Project Newsletter <newsletter@news.example.org>`. */
  readonly fromAddress: string;
}

export type SesAction = 'ses:SendEmail' | 'ses:SendBulkEmail' | 'ses:GetAccount';
/** SES offers no resource-level permission for these: they are granted on `*`. */
const ACCOUNT_WIDE_SES_ACTIONS: readonly SesAction[] = ['ses:GetAccount'];

/** What a function needs to schedule sends: the schedule group, the function they invoke and the role they invoke it with. */
export interface SendSchedules {
  readonly groupName: string;
  readonly target: IFunction;
  readonly invokeRole: IRole;
}

export interface HeraldFunctionProps {
  /** The handler file relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default 30 seconds */
  readonly timeout?: Duration;
  /** Carry templates/, locales/ and assets/ in the bundle and point HERALD_ASSETS_DIR at them (for functions that render). */
  readonly withAssets?: boolean;
  /** The project profile's file and content: every function carries it (and its logos) and loads it. */
  readonly project: { readonly file: string; readonly profile: Profile };
  readonly environment?: Record<string, string>;
  /** Invocations kept for this function, and its ceiling; none by default. */
  readonly reservedConcurrentExecutions?: number;
  /** @default ARM_64; a function with native modules runs on the architecture whose binaries node_modules holds. */
  readonly architecture?: Architecture;
  /**
   * Packages with native binaries (sharp): left out of the bundle and copied from node_modules into the bundle's
   * node_modules with every dependency installed beside them (its platform's binaries included), so the synth
   * needs neither the network nor Docker.
   */
  readonly nodeModules?: readonly string[];
}

/** A package and the dependencies npm installed for it (optional ones only where present), by name. */
export function installedPackages(names: readonly string[], root = PROJECT_ROOT): string[] {
  const found = new Set<string>();
  const visit = (name: string, optional: boolean) => {
    if (found.has(name)) return;
    const manifest = join(root, 'node_modules', name, 'package.json');
    if (!existsSync(manifest)) {
      if (optional) return;
      throw new Error(`${name} is not installed in node_modules: run npm ci before the synth`);
    }
    found.add(name);
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    for (const dependency of Object.keys(pkg.dependencies ?? {})) visit(dependency, false);
    for (const dependency of Object.keys(pkg.optionalDependencies ?? {})) visit(dependency, true);
  };
  for (const name of names) visit(name, false);
  return [...found].sort();
}

export class HeraldFunction extends NodejsFunction {
  private readonly executionRole: Role;

  constructor(scope: Construct, id: string, props: HeraldFunctionProps) {
    const withAssets = props.withAssets ?? false;
    // Our own role and log group: logging rights are scoped to this log group instead of the
    // AWS managed AWSLambdaBasicExecutionRole policy, which allows writing to any log group.
    const role = new Role(scope, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.THREE_MONTHS });
    super(scope, id, {
      entry: join(PROJECT_ROOT, props.entry),
      handler: 'handler',
      description: props.description,
      runtime: HERALD_RUNTIME,
      architecture: props.architecture ?? Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      ...(props.reservedConcurrentExecutions && { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
      role,
      logGroup,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        // Powertools: the `service` of log lines and metrics, and the metrics' namespace (functions/wiring/metrics.ts).
        POWERTOOLS_SERVICE_NAME: 'herald',
        POWERTOOLS_METRICS_NAMESPACE: 'Herald',
        ...(withAssets && { HERALD_ASSETS_DIR: LAMBDA_ASSETS_DIR }),
        [PROFILE_ENV]: LAMBDA_PROFILE_FILE,
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        banner: REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        // Warnings and errors only: the size summary would bury the synth output.
        logLevel: LogLevel.WARNING,
        // Stack traces need the mappings only; leaving the sources out halves the map.
        sourcesContent: false,
        // The AWS SDK v3 comes from the runtime, which ships every client and lib-dynamodb and resolves ES module
        // imports of them. It used to be bundled to pin package-lock.json's version; but the newest features we
        // use, SendBulkEmail's inline template and its ReplacementHeaders (the per-recipient List-Unsubscribe),
        // both from 2024, predate the Node.js 24 runtime (November 2025), and bundled it weighed about 700 KB in
        // every function, twice the Sender's budget. Going back to an older runtime means checking its SDK has
        // them. `typescript` is only reached through cosmiconfig (via mjml) when it loads a `.ts` config file,
        // which we never have; bundling it would add several megabytes.
        externalModules: ['@aws-sdk/*', 'typescript', ...(props.nodeModules ?? [])],
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) => [
            ...(withAssets
              ? ASSET_FOLDERS.map((folder) => `cp -R "${inputDir}/${folder}" "${outputDir}/${folder}"`)
              : []),
            ...projectCopies(props.project, `${outputDir}/${BUNDLE_PROJECT_DIR}`),
            ...installedPackages(props.nodeModules ?? []).flatMap((name) => [
              `mkdir -p "${dirname(join(outputDir, 'node_modules', name))}"`,
              `cp -R "${join(PROJECT_ROOT, 'node_modules', name)}" "${join(outputDir, 'node_modules', name)}"`,
            ]),
          ],
        },
      },
    });
    logGroup.grantWrite(role);
    this.executionRole = role;
  }

  /** Grants the access and sets the table's env var (named in contracts/tables.ts) to its name. */
  bindTable({ table, definition }: HeraldTable, access: TableAccess): this {
    const indexArn = (name: string) => `${table.tableArn}/index/${name}`;
    if (typeof access === 'string') {
      this.addToRolePolicy(
        new PolicyStatement({
          actions: iamActions(access === 'readWrite' ? [...READ_ACTIONS, ...WRITE_ACTIONS] : READ_ACTIONS),
          resources: [table.tableArn, ...definition.indexes.map((index) => indexArn(index.name))],
        }),
      );
    } else {
      if (access.actions.length > 0) {
        this.addToRolePolicy(new PolicyStatement({ actions: iamActions(access.actions), resources: [table.tableArn] }));
      }
      const indexes = access.indexes ?? [];
      const unknown = indexes.filter((name) => !definition.indexes.some((index) => index.name === name));
      if (unknown.length > 0) throw new Error(`${definition.id} has no index ${unknown.join(', ')}`);
      if (indexes.length > 0) {
        this.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:Query'], resources: indexes.map(indexArn) }));
      }
    }
    this.addEnvironment(definition.envVar, table.tableName);
    return this;
  }

  /** Lets the function send messages to the queue and sets `envVar` to its URL. */
  bindQueue(queue: IQueue, envVar: string): this {
    queue.grantSendMessages(this);
    this.addEnvironment(envVar, queue.queueUrl);
    return this;
  }

  /**
   * Lets the function do `actions` on the bucket's objects under `prefix` (all when empty) and sets `envVar` to its
   * name.
   */
  bindBucket(bucket: IBucket, envVar: string, actions: readonly string[], prefix = ''): this {
    this.addToRolePolicy(
      new PolicyStatement({ actions: [...actions], resources: [bucket.arnForObjects(`${prefix}*`)] }),
    );
    Validations.of(this.executionRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(bucket.node.defaultChild as CfnElement)}.Arn>/${prefix}*]`,
      reason:
        `The objects of the ${envVar} bucket${prefix ? ` under ${prefix}` : ''}: their keys are upload ids made ` +
        'at run time, so none is known at deploy time.',
    });
    this.addEnvironment(envVar, bucket.bucketName);
    return this;
  }

  /**
   * Lets the function read the secret's value (and its key's, if it has its own) and sets `envVar` to its ARN:
   * the value itself never enters the template or the function's configuration.
   */
  bindSecret(secret: ISecret, envVar: string): this {
    secret.grantRead(this);
    this.addEnvironment(envVar, secret.secretArn);
    return this;
  }

  /**
   * Sets SES_CONFIGURATION_SET and HERALD_FROM_ADDRESS and grants the SES actions, scoped to the identity
   * and the configuration set where SES allows it. No actions: the settings only.
   */
  bindSes(sending: SesSending, actions: readonly SesAction[] = []): this {
    const stack = Stack.of(this);
    const scoped = actions.filter((action) => !ACCOUNT_WIDE_SES_ACTIONS.includes(action));
    const accountWide = actions.filter((action) => ACCOUNT_WIDE_SES_ACTIONS.includes(action));
    if (scoped.length > 0) {
      this.addToRolePolicy(
        new PolicyStatement({
          actions: scoped,
          resources: [
            stack.formatArn({ service: 'ses', resource: 'identity', resourceName: sending.identity }),
            stack.formatArn({
              service: 'ses',
              resource: 'configuration-set',
              resourceName: sending.configurationSetName,
            }),
          ],
        }),
      );
    }
    if (accountWide.length > 0) {
      this.addToRolePolicy(new PolicyStatement({ actions: accountWide, resources: ['*'] }));
      Validations.of(this.executionRole).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: `${accountWide.join(', ')} (the account's sending quota) supports no resource-level permissions in IAM.`,
      });
    }
    this.addEnvironment('SES_CONFIGURATION_SET', sending.configurationSetName);
    this.addEnvironment('HERALD_FROM_ADDRESS', sending.fromAddress);
    return this;
  }

  /**
   * Lets the function create and delete one-time schedules in the group, handing them the invoke role, and sets
   * SCHEDULE_GROUP, SCHEDULED_SEND_FUNCTION_ARN and SCHEDULER_ROLE_ARN.
   */
  bindScheduler(schedules: SendSchedules): this {
    const stack = Stack.of(this);
    const scheduleArns = stack.formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${schedules.groupName}/*`,
    });
    this.addToRolePolicy(
      new PolicyStatement({
        actions: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'],
        resources: [scheduleArns],
      }),
    );
    this.addToRolePolicy(
      new PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [schedules.invokeRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
    Validations.of(this.executionRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagResourceName(stack, scheduleArns)}]`,
      reason:
        `The schedules of group ${schedules.groupName} only: there is one per scheduled issue, named ` +
        'send-<issueId> when the editor schedules it (send-<issueId>-<n> per start of a send at a local hour), so no ' +
        'name is known at deploy time.',
    });
    this.addEnvironment('SCHEDULE_GROUP', schedules.groupName);
    this.addEnvironment('SCHEDULED_SEND_FUNCTION_ARN', schedules.target.functionArn);
    this.addEnvironment('SCHEDULER_ROLE_ARN', schedules.invokeRole.roleArn);
    return this;
  }
}

/** Shell commands copying the profile and the logos it names into `dir`, keeping their paths relative to it. */
function projectCopies(project: { file: string; profile: Profile }, dir: string): string[] {
  const logos = [project.profile.logo, project.profile.programme.logo];
  return [
    `mkdir -p "${dir}"`,
    `cp "${project.file}" "${dir}/herald.project.json"`,
    ...logos.flatMap((logo) => [
      `mkdir -p "${dirname(join(dir, logo))}"`,
      `cp "${resolveFromProfile(project.file, logo)}" "${join(dir, logo)}"`,
    ]),
  ];
}

/**
 * A value as cdk-nag names it in a finding (its flattenCfnReference, which it does not export): the template's
 * value with each reference as `<Name>`, e.g. `arn:<AWS::Partition>:scheduler:<AWS::Region>:...`.
 */
function nagResourceName(stack: Stack, value: string): string {
  const flatten = (node: unknown): string => {
    if (typeof node === 'string') return node;
    const { 'Fn::Join': join, Ref: ref } = node as { 'Fn::Join'?: [string, unknown[]]; Ref?: string };
    if (join) return join[1].map(flatten).join(join[0]);
    if (ref) return `<${ref}>`;
    throw new Error(`No cdk-nag name for ${JSON.stringify(node)}`);
  };
  return flatten(stack.resolve(value));
}
