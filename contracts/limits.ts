// Limits that the CDK app and the functions (or the embedded stack standing in for AWS) must agree on.

/**
 * SES events per invocation at most: the SQS event source's batch size in AWS (with a batching window), the
 * in-process queue's locally. Their counts are summed into one write per counter, so a larger batch means fewer
 * writes per event; 500 events of a few KB each stay well under the 6 MB of a Lambda invocation.
 */
export const SES_EVENTS_BATCH_SIZE = 500;

/**
 * A CSV upload's body at most (a suppression list, an import): Lambda takes 6 MB of request, API Gateway 10 MB, so a
 * larger file is refused by name before it reaches a function. The embedded stack's server reads no more.
 */
export const MAX_CSV_BODY_BYTES = 5 * 1024 * 1024;
/**
 * A subscriber import's CSV body at most: 100,000 rows of about 120 bytes fit. The embedded stack takes it whole. In
 * AWS a request is capped lower (API Gateway's 10 MB payload, and Lambda's 6 MB synchronous request): the CLI sends a
 * larger file in parts of IMPORT_PART_BYTES, each a complete CSV with the header.
 */
export const IMPORT_MAX_BYTES = 16 * 1024 * 1024;
/** The parts the CLI and the editor app split a file into: under Lambda's 6 MB request (base64 included). */
export const IMPORT_PART_BYTES = 4 * 1024 * 1024;
