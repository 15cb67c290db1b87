// The stateful stack: what holds data or reputation and outlives any deploy (tables, SES configuration set, events
// topic, the user pool).
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import {
  AttributeType,
  Billing,
  ProjectionType,
  TableEncryptionV2,
  TableV2,
  type GlobalSecondaryIndexPropsV2,
} from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { Key } from 'aws-cdk-lib/aws-kms';
import { ConfigurationSet, EmailSendingEvent, EventDestination } from 'aws-cdk-lib/aws-ses';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { HeraldTable } from './constructs/herald-function.ts';
import { HeraldUsers } from './constructs/herald-users.ts';
import { readSettings } from './settings.ts';
import {
  contentTable,
  deliveriesTable,
  issuesTable,
  subscribersTable,
  type IndexDefinition,
  type TableDefinition,
} from './tables.ts';

export interface HeraldTables {
  readonly content: HeraldTable;
  readonly issues: HeraldTable;
  readonly subscribers: HeraldTable;
  readonly deliveries: HeraldTable;
}

/** Every event SES can publish about a message that the ingest handler may count. */
export const SES_EVENTS = [
  EmailSendingEvent.SEND,
  EmailSendingEvent.DELIVERY,
  EmailSendingEvent.BOUNCE,
  EmailSendingEvent.COMPLAINT,
  EmailSendingEvent.REJECT,
  EmailSendingEvent.OPEN,
  EmailSendingEvent.CLICK,
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

export class StatefulStack extends Stack {
  readonly tables: HeraldTables;
  readonly configurationSetName: string;
  readonly sesEventsTopic: ITopic;
  readonly userPool: IUserPool;
  /** The web app's client: the audience of the HTTP API's JWT authorizer. */
  readonly webClient: IUserPoolClient;
  /** The Cognito-hosted sign-in domain, with `herald:authDomainPrefix`. */
  readonly authDomainUrl?: string;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    this.tables = {
      content: this.table(contentTable),
      issues: this.table(issuesTable),
      subscribers: this.table(subscribersTable),
      deliveries: this.table(deliveriesTable),
    };

    const configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
    });
    this.configurationSetName = configurationSet.configurationSetName;

    // A customer managed key: SES can publish to an encrypted topic only with a key whose policy lets it in,
    // which the AWS managed alias/aws/sns key never does.
    const key = new Key(this, 'SesEventsKey', {
      description: 'Encrypts the SES events topic of Herald',
      enableKeyRotation: true,
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('ses.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
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
      }),
    );
    // The event destination adds the topic policy that lets SES (this configuration set only) publish.
    const topic = new Topic(this, 'SesEvents', { enforceSSL: true, masterKey: key });
    configurationSet.addEventDestination('ToSesEventsTopic', {
      destination: EventDestination.snsTopic(topic),
      events: SES_EVENTS,
    });
    this.sesEventsTopic = topic;

    const settings = readSettings(this.node);
    const users = new HeraldUsers(this, 'Users', {
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
