// The stateful stack: what holds data or reputation and outlives any deploy (tables, the SES identity and
// configuration set, events topic, the alarms topic, the user pool, the key that signs the links in sent emails).
import { CfnOutput, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import {
  AttributeType,
  Billing,
  ProjectionType,
  TableEncryptionV2,
  TableV2,
  type GlobalSecondaryIndexPropsV2,
} from 'aws-cdk-lib/aws-dynamodb';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { ConfigurationSet, EmailSendingEvent, EventDestination, SuppressionReasons } from 'aws-cdk-lib/aws-ses';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { HeraldTable } from './constructs/herald-function.ts';
import { encryptedTopic } from './constructs/encrypted-topic.ts';
import { HeraldUsers } from './constructs/herald-users.ts';
import { ReputationAlarms } from './constructs/reputation-alarms.ts';
import { SendingDomain } from './constructs/sending-domain.ts';
import type { ProjectProfile } from './project.ts';
import { readSettings } from './settings.ts';
import {
  contentTable,
  deliveriesTable,
  issuesTable,
  subscribersTable,
  type IndexDefinition,
  type TableDefinition,
} from '../contracts/tables.ts';

export interface HeraldTables {
  readonly content: HeraldTable;
  readonly issues: HeraldTable;
  readonly subscribers: HeraldTable;
  readonly deliveries: HeraldTable;
}

/**
 * The events SES publishes to Herald: what happened to a message after SES took it. Not Send (the sender records
 * each message SES accepts), and not Open or Click: publishing those makes SES add its own pixel and rewrite every
 * link of every email, measuring people who did not consent to it (Herald's own pixel and links measure those who
 * did). Each event left out is also an SNS publish, a queue message and a write saved per recipient.
 */
export const SES_EVENTS = [
  EmailSendingEvent.DELIVERY,
  EmailSendingEvent.BOUNCE,
  EmailSendingEvent.COMPLAINT,
  EmailSendingEvent.REJECT,
  EmailSendingEvent.RENDERING_FAILURE,
  EmailSendingEvent.DELIVERY_DELAY,
  EmailSendingEvent.SUBSCRIPTION,
];

const stringKey = (name: string) => ({ name, type: AttributeType.STRING });

function projection(index: IndexDefinition): Pick<GlobalSecondaryIndexPropsV2, 'projectionType' | 'nonKeyAttributes'> {
  if (index.projection === 'ALL') return { projectionType: ProjectionType.ALL };
  if (index.projection === 'KEYS_ONLY') return { projectionType: ProjectionType.KEYS_ONLY };
  return { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: index.projection };
}

/** What the stateful stack keeps and the stateless stack uses. */
export interface HeraldData {
  readonly tables: HeraldTables;
  readonly configurationSetName: string;
  /** The SES domain identity the functions may send from (a reference to the one this stack creates). */
  readonly sesIdentityName: string;
  readonly sesEventsTopic: ITopic;
  /** Where every Herald alarm goes (SES reputation, dead letters, Sender errors). */
  readonly alarmTopic: ITopic;
  /** Issuer of the JWTs the HTTP API accepts. */
  readonly userPool: IUserPool;
  /** The web app's client: the audience of the HTTP API's JWT authorizer. */
  readonly webClient: IUserPoolClient;
  /** The Cognito-hosted sign-in domain, with `herald:authDomainPrefix`. */
  readonly authDomainUrl?: string;
  /** The key that signs confirmation, unsubscribe and preferences links (TOKEN_SECRET_ARN of the functions). */
  readonly tokenSecret: ISecret;
}

export class StatefulStack extends Stack implements HeraldData {
  readonly tables: HeraldTables;
  readonly configurationSetName: string;
  readonly sesIdentityName: string;
  readonly sesEventsTopic: ITopic;
  readonly alarmTopic: ITopic;
  readonly userPool: IUserPool;
  readonly webClient: IUserPoolClient;
  readonly authDomainUrl?: string;
  readonly tokenSecret: ISecret;

  constructor(scope: Construct, id: string, props: StackProps & { project: ProjectProfile }) {
    super(scope, id, props);

    this.tables = {
      content: this.table(contentTable),
      issues: this.table(issuesTable),
      subscribers: this.table(subscribersTable),
      deliveries: this.table(deliveriesTable),
    };

    // Links in sent emails are signed with this key and must keep working for as long as the emails are read,
    // so it lives here, retained, rather than with the functions.
    const tokenSecret = new Secret(this, 'TokenSecret', {
      description: 'Herald: key signing the confirmation, unsubscribe and preferences links in emails',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(tokenSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Not rotated: rotating the key would invalidate every unsubscribe, preferences and confirmation link ' +
        'already sent, and RFC 8058 requires unsubscribe links to keep working. The key is generated by ' +
        'Secrets Manager and never leaves it except to the functions that sign and check the links.',
    });
    this.tokenSecret = tokenSecret;

    const settings = readSettings(this.node, props.project.profile);
    const configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
      // SES itself refuses an address that bounced hard or complained, even before SesEvents suppresses it.
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.configurationSetName = configurationSet.configurationSetName;
    const sendingDomain = new SendingDomain(this, 'SendingDomain', { settings, configurationSet });
    this.sesIdentityName = sendingDomain.identity.emailIdentityName;

    // The event destination adds the topic policy that lets SES (this configuration set only) publish.
    const topic = encryptedTopic(this, {
      ids: { key: 'SesEventsKey', topic: 'SesEvents' },
      publisher: 'ses.amazonaws.com',
      description: 'Encrypts the SES events topic of Herald',
      conditions: {
        StringEquals: { 'aws:SourceAccount': this.account },
        ArnLike: {
          'aws:SourceArn': this.formatArn({
            service: 'ses',
            resource: 'configuration-set',
            resourceName: configurationSet.configurationSetName,
          }),
        },
      },
    });
    configurationSet.addEventDestination('ToSesEventsTopic', {
      destination: EventDestination.snsTopic(topic),
      events: SES_EVENTS,
    });
    this.sesEventsTopic = topic;

    const reputation = new ReputationAlarms(this, 'ReputationAlarms', {
      ...(settings.alarmEmail && { email: settings.alarmEmail }),
    });
    this.alarmTopic = reputation.topic;
    new CfnOutput(this, 'ReputationAlarmTopicArn', {
      value: reputation.topic.topicArn,
      description: 'SNS topic of every Herald alarm: SES bounce and complaint rates, dead letters, Sender errors',
    });

    const users = new HeraldUsers(this, 'Users', {
      projectName: props.project.profile.shortName,
      publicUrl: settings.publicUrl,
      authDomainPrefix: settings.authDomainPrefix,
    });
    this.userPool = users.userPool;
    this.webClient = users.webClient;
    this.authDomainUrl = users.authDomainUrl;
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId, description: 'Cognito user pool of Herald' });
    new CfnOutput(this, 'UserPoolClientId', {
      value: this.webClient.userPoolClientId,
      description: 'Cognito app client of the web app (no secret)',
    });
    if (users.authDomainUrl) {
      new CfnOutput(this, 'AuthDomainUrl', {
        value: users.authDomainUrl,
        description: 'Cognito-hosted domain for the OAuth sign-in (authorization code with PKCE)',
      });
    }
  }

  private table(definition: TableDefinition): HeraldTable {
    const table = new TableV2(this, definition.id, {
      partitionKey: stringKey(definition.partitionKey),
      sortKey: definition.sortKey ? stringKey(definition.sortKey) : undefined,
      billing: Billing.onDemand(),
      encryption: TableEncryptionV2.awsManagedKey(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      timeToLiveAttribute: definition.timeToLiveAttribute,
      globalSecondaryIndexes: definition.indexes.map((index) => ({
        indexName: index.name,
        partitionKey: stringKey(index.partitionKey),
        sortKey: index.sortKey ? stringKey(index.sortKey) : undefined,
        ...projection(index),
      })),
    });
    return { table, definition };
  }
}
