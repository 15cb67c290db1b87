// Limits that the CDK app and the functions (or the embedded stack standing in for AWS) must agree on.

/** SES events per invocation at most: the SQS event source's batch size in AWS, the in-process queue's locally. */
export const SES_EVENTS_BATCH_SIZE = 100;
