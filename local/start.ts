// `npm start`: the persistent embedded stack. Settings come from the environment (see README).
import { resolve } from 'node:path';
import * as z from 'zod';
import { startEmbeddedStack } from './stack.ts';
import { SAMPLE_ISSUE_ID } from './seed.ts';

const port = z.coerce.number().int().min(0).max(65535);
const settings = z
  .object({
    PORT: port.default(3000),
    SES_PORT: port.default(8005),
    DYNAMODB_PORT: port.default(8000),
    HERALD_DATA_DIR: z.string().min(1).default('.herald'),
  })
  .safeParse(process.env);
if (!settings.success) {
  process.stderr.write(
    `Invalid settings: ${settings.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}\n`,
  );
  process.exit(2);
}
const { PORT, SES_PORT, DYNAMODB_PORT, HERALD_DATA_DIR } = settings.data;

const stack = await startEmbeddedStack({
  dataDir: resolve(HERALD_DATA_DIR),
  port: PORT,
  sesPort: SES_PORT,
  dynamoPort: DYNAMODB_PORT,
});
const { api, ses, dynamodb } = stack.urls;
process.stdout.write(`Herald embedded stack is running${stack.seeded ? ' (sample content loaded)' : ''}.

  API          ${api}/api/issues
  Sample issue ${api}/api/issues/${SAMPLE_ISSUE_ID}
  Archive      ${api}/archive/${SAMPLE_ISSUE_ID}/en   (after a send)
  SES inbox    ${ses}   (sent mail as JSON: ${ses}/store)
  DynamoDB     ${dynamodb}
  Data         ${resolve(HERALD_DATA_DIR)}

  Editor app   ${api}/editor/
  Signup page  ${api}/subscribe?lang=en   (any of the 11 languages)
  Dashboard    ${api}/dashboard/   (coordinators: opens, clicks, bounces per region, country, language)

Bearer tokens (Authorization: Bearer <token>):
  admin        ${stack.adminToken}${process.env.HERALD_ADMIN_TOKEN ? '' : '   (random; set HERALD_ADMIN_TOKEN to fix it)'}
  editor       ${stack.tokens.editor}
  coordinator  ${stack.tokens.coordinator}   (region Haskovo)

Send the sample issue:
  curl -X POST -H "Authorization: Bearer ${stack.tokens.editor}" ${api}/api/issues/${SAMPLE_ISSUE_ID}/send

Stop with Ctrl+C.
`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void stack.stop().then(() => process.exit(0));
  });
}
