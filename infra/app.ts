// The CDK app: the stateful and the stateless stack of the project in its profile, checked by cdk-nag's AWS Solutions
// pack on every synth.
import { pathToFileURL } from 'node:url';
import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ProfileError } from '../functions/domain/errors.ts';
import { readProject, type ProjectProfile } from './project.ts';
import { StatefulStack } from './stateful-stack.ts';
import { StatelessStack } from './stateless-stack.ts';

/** The app of the project in `project` (by default the profile HERALD_PROJECT names, or the root's). */
export function createHeraldApp(props: AppProps = {}, project: ProjectProfile = readProject()) {
  const app = new App(props);
  // Env-agnostic unless the CLI knows the account and region (credentials present).
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  const stateful = new StatefulStack(app, 'HeraldStateful', {
    env,
    project,
    description:
      'Herald data: tables, SES identity and configuration set, SES events and alarms topics, user pool and link-signing key',
  });
  const stateless = new StatelessStack(app, 'HeraldStateless', {
    env,
    project,
    description: 'Herald compute and front door: functions, HTTP API, send queue, CloudFront and the web app',
    tables: stateful.tables,
    configurationSetName: stateful.configurationSetName,
    sesIdentityName: stateful.sesIdentityName,
    sesEventsTopic: stateful.sesEventsTopic,
    alarmTopic: stateful.alarmTopic,
    userPool: stateful.userPool,
    webClient: stateful.webClient,
    authDomainUrl: stateful.authDomainUrl,
    tokenSecret: stateful.tokenSecret,
  });
  // A validation plugin: unacknowledged findings fail the synth (errors) or are printed (warnings).
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stateful, stateless };
}

// Run by the CDK CLI (`npx tsx infra/app.ts`); tests import createHeraldApp instead. A bad profile stops the synth
// with its errors, each naming a field.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    createHeraldApp();
  } catch (error) {
    if (!(error instanceof ProfileError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
