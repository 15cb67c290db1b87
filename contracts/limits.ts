// Limits that the CDK app and the functions (or the embedded stack standing in for AWS) must agree on.

/** SES events per invocation at most: the SQS event source's batch size in AWS, the in-process queue's locally. */
export const SES_EVENTS_BATCH_SIZE = 100;

/**
 * A CSV upload's body at most (a suppression list, an import): Lambda takes 6 MB of request, API Gateway 10 MB, so a
 * larger file is refused by name before it reaches a function. The embedded stack's server reads no more.
 */
export const MAX_CSV_BODY_BYTES = 5 * 1024 * 1024;
