// An SNS topic that an AWS service publishes to, encrypted with a customer managed key whose policy lets that service
// in: the AWS managed alias/aws/sns key never does, so SES and CloudWatch could not publish to a topic under it.
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

export interface EncryptedTopicOptions {
  /** The construct ids of the key and the topic (kept as they were, so a deployed topic is not replaced). */
  ids: { key: string; topic: string };
  /** The service principal that publishes, e.g. `ses.amazonaws.com`. */
  publisher: string;
  description: string;
  /** Narrows the publisher to one account and source (confused-deputy protection). */
  conditions?: Record<string, Record<string, unknown>>;
  displayName?: string;
}

export function encryptedTopic(scope: Construct, options: EncryptedTopicOptions): Topic {
  const key = new Key(scope, options.ids.key, { description: options.description, enableKeyRotation: true });
  key.addToResourcePolicy(
    new PolicyStatement({
      principals: [new ServicePrincipal(options.publisher)],
      actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
      resources: ['*'],
      ...(options.conditions && { conditions: options.conditions }),
    }),
  );
  return new Topic(scope, options.ids.topic, {
    enforceSSL: true,
    masterKey: key,
    ...(options.displayName && { displayName: options.displayName }),
  });
}
