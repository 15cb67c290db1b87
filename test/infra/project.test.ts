// The CDK app reads the project profile: another project's synth takes its sender and name from it, and a bad profile
// stops the synth with every invalid field named.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { createHeraldApp } from '../../infra/app.ts';
import { readProject } from '../../infra/project.ts';
import { removeAssemblies, webFixture } from './herald-app.ts';
import { RIVERWISE_PROFILE_FILE, ROOT } from '../support/profile.ts';

const dir = mkdtempSync(join(tmpdir(), 'herald-synth-profile-'));
afterAll(() => {
  removeAssemblies();
  rmSync(dir, { recursive: true, force: true });
});

describe('the CDK app of a second project', () => {
  const { stateful, stateless } = createHeraldApp(
    {
      outdir: mkdtempSync(join(dir, 'cdk-')),
      context: { 'aws:cdk:bundling-stacks': [], 'herald:webDir': webFixture() },
    },
    readProject(RIVERWISE_PROFILE_FILE),
  );

  it("verifies its sender's domain, sends from its sender and names it in the invitation", () => {
    const data = Template.fromStack(stateful);
    data.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'riverwise.example' });
    const pool = Object.values(data.findResources('AWS::Cognito::UserPool'))[0]!;
    expect(pool.Properties.AdminCreateUserConfig.InviteMessageTemplate.EmailMessage).toMatch(
      /^You have been invited to Herald, the RIVERWISE newsletter editor\./,
    );
    const functions = Template.fromStack(stateless).findResources('AWS::Lambda::Function');
    const sender = Object.entries(functions).find(([id]) => id.startsWith('Sender'))![1];
    expect(sender.Properties.Environment.Variables.HERALD_FROM_ADDRESS).toBe('RIVERWISE News <news@riverwise.example>');
    expect(JSON.stringify(Template.fromStack(stateless).toJSON())).not.toMatch(/\bSECON\b|secon\.example/);
  });
});

describe('npm run synth with a bad profile', () => {
  it('stops with exit code 1, naming each invalid field', async () => {
    const profile = JSON.parse(readFileSync(RIVERWISE_PROFILE_FILE, 'utf8'));
    profile.font = 'Comic Sans MS';
    profile.sender.address = 'news at riverwise';
    const file = join(dir, 'herald.project.json');
    writeFileSync(file, JSON.stringify(profile));
    const failure = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'infra/app.ts'], {
      cwd: ROOT,
      env: { ...process.env, HERALD_PROJECT: file },
    }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain(`The project profile ${file} is invalid:`);
    expect(failure?.stderr).toMatch(/^ {2}font: must be one of the EU visual identity's fonts/m);
    expect(failure?.stderr).toMatch(/^ {2}sender\.address: is not an email address/m);
    expect(failure?.stderr).toMatch(/^ {2}logo: has no file/m);
  });
});
