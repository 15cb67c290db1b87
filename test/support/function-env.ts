// A Lambda function's settings as the CDK app gives them (every table, the sender, the public URL), for tests that
// build a function's services or call its handler without AWS; each test leaves out or adds what it needs.
export const FUNCTION_ENV = {
  CONTENT_TABLE: 'content',
  ISSUES_TABLE: 'issues',
  SUBSCRIBERS_TABLE: 'subscribers',
  DELIVERIES_TABLE: 'deliveries',
  HERALD_FROM_ADDRESS: 'news@secon.example',
  SES_CONFIGURATION_SET: 'herald',
  HERALD_PUBLIC_URL: 'https://news.example',
} as const;

/** A link-signing key given as the key itself, as the embedded stack gives it. */
export const TEST_TOKEN_SECRET = 'a-test-key-of-at-least-32-characters';
