// `npm start`: the persistent embedded stack of the project in herald.project.json (or HERALD_PROJECT). Settings come
// from the environment (see README); an invalid profile or setting stops it with exit code 2, naming each field.
import { resolve } from 'node:path';
import * as z from 'zod';
import { ProfileError } from '../functions/domain/errors.ts';
import { demoCoordinatorRegion } from './seed.ts';
import { startEmbeddedStack } from './stack.ts';

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
}).catch((error: unknown) => {
  if (!(error instanceof ProfileError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
});
const { api, ses, dynamodb } = stack.urls;
const { profile, sample } = stack;
const issue = sample?.issueId;
const { languages } = stack.services.reference;
const coordinatorRegion = demoCoordinatorRegion(stack.services.reference, sample);
process.stdout
  .write(`Herald embedded stack of ${profile.shortName} is running${stack.seeded ? ` (${sample ? 'sample content' : 'generated demo subscribers'} loaded)` : ''}.

  API          ${api}/api/issues${
    issue
      ? `
  Sample issue ${api}/api/issues/${issue}
  Archive      ${api}/archive/${issue}/${languages[0]}   (after a send)`
      : ''
  }
  SES inbox    ${ses}   (sent mail as JSON: ${ses}/store)
  DynamoDB     ${dynamodb}
  Data         ${resolve(HERALD_DATA_DIR)}

  Editor app   ${api}/editor/
  Signup page  ${api}/subscribe?lang=${languages[0]}   (any of the ${languages.length} languages: ${languages.join(', ')})
  Dashboard    ${api}/dashboard/   (coordinators: opens, clicks, bounces per region, country, language)

Bearer tokens (Authorization: Bearer <token>):
  admin        ${stack.adminToken}${process.env.HERALD_ADMIN_TOKEN ? '' : '   (random; set HERALD_ADMIN_TOKEN to fix it)'}
  editor       ${stack.tokens.editor}
  coordinator  ${stack.tokens.coordinator}   (region ${coordinatorRegion})
${
  issue
    ? `
Send the sample issue:
  curl -X POST -H "Authorization: Bearer ${stack.tokens.editor}" ${api}/api/issues/${issue}/send
`
    : ''
}
Stop with Ctrl+C.
`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void stack.stop().then(() => process.exit(0));
  });
}
