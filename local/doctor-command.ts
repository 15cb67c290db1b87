// `herald doctor`: the DNS records SES needs for the sending domain (DKIM, MAIL FROM, DMARC), from the CDK app's
// settings and, with AWS credentials, the deployed SES identity; each checked in DNS where the network allows.
import { existsSync, readFileSync } from 'node:fs';
import { Resolver } from 'node:dns/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetEmailIdentityCommand, NotFoundException, SESv2Client } from '@aws-sdk/client-sesv2';
import {
  DKIM_OUTPUTS,
  dkimTokensOf,
  feedbackHost,
  sendingDomainRecords,
  zoneLine,
  type DnsRecord,
} from '../infra/dns-records.ts';
import { readSettings, type HeraldSettings } from '../infra/settings.ts';
import { readProject } from '../infra/project.ts';
import type { Profile } from '../contracts/profile.ts';

/** What SES reports of the deployed identity. */
export interface IdentityStatus {
  region: string;
  dkimTokens: string[];
  dkimStatus?: string;
  verifiedForSending: boolean;
  mailFromStatus?: string;
}
/** Reads the identity from SES; `not-found` when it does not exist (the stateful stack is not deployed). */
export type IdentityLookup = (domain: string) => Promise<IdentityStatus | 'not-found'>;

/** The part of node:dns the checks use. */
export interface DnsLookup {
  resolveCname(name: string): Promise<string[]>;
  resolveMx(name: string): Promise<{ exchange: string; priority: number }[]>;
  resolveTxt(name: string): Promise<string[][]>;
}

export interface DoctorOptions {
  /** cdk.json's context with the `-c key=value` overrides: the settings the CDK app reads. */
  context: Record<string, unknown>;
  /** The project profile (its sender is the From); by default the one the CDK app reads. */
  profile?: Profile;
  /** The stack's region, for the MAIL FROM MX record; SES's region when it is asked. */
  region?: string;
  /** Asks SES for the identity's DKIM tokens and status; without it the AWS part is skipped for `awsSkipped`. */
  ses?: IdentityLookup;
  awsSkipped?: string;
  /** Checks each record in DNS; without it nothing is checked. */
  dns?: DnsLookup;
  out?: { write(text: string): unknown };
}

type Check =
  | { state: 'found'; detail?: string }
  | { state: 'missing' }
  | { state: 'different'; detail: string }
  | { state: 'unchecked'; detail: string };

const PURPOSES: Record<DnsRecord['purpose'], string> = {
  DKIM: 'DKIM (Easy DKIM, 2048-bit): SES signs each message with the key published at these names',
  'MAIL FROM': 'MAIL FROM: bounces return to SES at this subdomain, so SPF passes within the sending domain',
  DMARC: 'DMARC: Gmail and Yahoo require one of bulk senders; p=none (reports only) is enough for that',
};

/** A probe every working resolver answers: amazonses.com publishes the SPF record the MAIL FROM record includes. */
const PROBE = 'amazonses.com';
const NO_RECORD = new Set(['ENOTFOUND', 'ENODATA']);

const bare = (name: string) => name.toLowerCase().replace(/\.$/, '');
const txt = (chunks: string[][]) => chunks.map((parts) => parts.join(''));

const isDmarc = (text: string) => /^v=DMARC1\b/i.test(text);

/** A failed lookup: no such record, or a resolver that could not answer. */
function failed(error: unknown): Check {
  const code = (error as { code?: string }).code ?? (error as Error).message;
  return NO_RECORD.has(code) ? { state: 'missing' } : { state: 'unchecked', detail: `could not check (${code})` };
}

async function checkRecord(dns: DnsLookup, record: DnsRecord, regionKnown: boolean): Promise<Check> {
  try {
    if (record.type === 'CNAME') {
      const targets = (await dns.resolveCname(record.name)).map(bare);
      if (targets.includes(bare(record.value))) return { state: 'found' };
      return { state: 'different', detail: `points at ${targets.join(', ')}` };
    }
    if (record.type === 'MX') {
      const hosts = (await dns.resolveMx(record.name)).map((mx) => bare(mx.exchange));
      const wanted = regionKnown
        ? (host: string) => host === bare(record.value.split(' ')[1]!)
        : (host: string) => /^feedback-smtp\.[a-z0-9-]+\.amazonses\.com$/.test(host);
      if (hosts.some(wanted)) return { state: 'found' };
      return { state: 'different', detail: `its MX is ${hosts.join(', ')}` };
    }
    const texts = txt(await dns.resolveTxt(record.name));
    if (record.purpose === 'DMARC') {
      const dmarc = texts.filter(isDmarc);
      if (dmarc.includes(record.value)) return { state: 'found' };
      // One DMARC record per name: an existing one meets the requirement; keep it rather than add a second.
      if (dmarc.length > 0) return { state: 'found', detail: `the domain has its own, "${dmarc[0]}": keep that one` };
      return { state: 'missing' };
    }
    const spf = texts.filter((t) => t.startsWith('v=spf1'));
    if (spf.some((t) => t.split(/\s+/).includes('include:amazonses.com'))) return { state: 'found' };
    if (spf.length > 0) return { state: 'different', detail: `its SPF record leaves SES out: "${spf[0]}"` };
    return { state: 'missing' };
  } catch (error) {
    return failed(error);
  }
}

/** The domain keeps a DMARC record of its own (herald:dmarcPolicy existing): there must be one. */
async function checkExistingDmarc(dns: DnsLookup, domain: string): Promise<Check> {
  try {
    const dmarc = txt(await dns.resolveTxt(`_dmarc.${domain}`)).filter(isDmarc);
    return dmarc.length > 0 ? { state: 'found', detail: `"${dmarc[0]}"` } : { state: 'missing' };
  } catch (error) {
    return failed(error);
  }
}

function describe(check: Check): string {
  switch (check.state) {
    case 'found':
      return check.detail ? `found: ${check.detail}` : 'found';
    case 'missing':
      return 'MISSING: add it';
    case 'different':
      return `WRONG: ${check.detail}`;
    case 'unchecked':
      return check.detail;
  }
}

/** Prints the records and what was checked; true unless a record is missing or wrong, or SES has not verified. */
export async function runDoctor(options: DoctorOptions): Promise<boolean> {
  const out = options.out ?? process.stdout;
  const profile = options.profile ?? readProject().profile;
  const settings: HeraldSettings = readSettings({ tryGetContext: (key: string) => options.context[key] }, profile);
  const domain = settings.sesIdentity;
  let ok = true;
  out.write(
    `Herald doctor: sending as ${settings.fromAddress} through the SES identity ${domain}, ` +
      `MAIL FROM ${settings.mailFromDomain}\n\n`,
  );

  // SES: the DKIM tokens exist only once the identity does; its statuses say whether SES has seen the records.
  let identity: IdentityStatus | undefined;
  if (options.ses) {
    try {
      const found = await options.ses(domain);
      if (found === 'not-found') {
        ok = false;
        out.write(
          `SES: no identity ${domain} yet: deploy HeraldStateful (npx cdk deploy HeraldStateful), then run again\n`,
        );
      } else {
        identity = found;
        if (!found.verifiedForSending) ok = false;
        out.write(
          `SES (${found.region}): ${found.verifiedForSending ? 'verified for sending' : 'NOT verified for sending yet'}; ` +
            `DKIM ${found.dkimStatus ?? 'unknown'}; MAIL FROM ${found.mailFromStatus ?? 'unknown'}\n`,
        );
      }
    } catch (error) {
      out.write(`SES: could not check (${(error as Error).message})\n`);
    }
  } else {
    out.write(`SES: not checked (${options.awsSkipped ?? 'no AWS credentials'})\n`);
  }

  const region = identity?.region ?? options.region;
  const records = sendingDomainRecords(settings, {
    region: region ?? '<region>',
    ...(identity && identity.dkimTokens.length > 0 && { dkim: dkimTokensOf(domain, identity.dkimTokens) }),
  });

  let dnsProblem: string | undefined;
  if (!options.dns) dnsProblem = 'not checked';
  else {
    try {
      await options.dns.resolveTxt(PROBE);
    } catch (error) {
      dnsProblem = `could not check: DNS does not answer here (${(error as { code?: string }).code ?? 'error'})`;
    }
  }
  const check = async (record: DnsRecord): Promise<string> => {
    if (dnsProblem) return dnsProblem;
    const result = await checkRecord(options.dns!, record, region !== undefined);
    if (result.state === 'missing' || result.state === 'different') ok = false;
    return describe(result);
  };

  out.write(
    settings.hostedZone
      ? `\nThe CDK app adds these records to the Route 53 zone ${settings.hostedZone.name} (${settings.hostedZone.id}).\n`
      : '\nDNS records to add to the domain (names are whole; a TXT value goes in without the quotes):\n',
  );
  for (const purpose of ['DKIM', 'MAIL FROM', 'DMARC'] as const) {
    out.write(`\n${PURPOSES[purpose]}\n`);
    const group = records.filter((record) => record.purpose === purpose);
    if (purpose === 'DKIM' && group.length === 0) {
      out.write(
        `  three CNAME records SES generates for ${domain}: the HeraldStateful outputs ${DKIM_OUTPUTS.join(', ')} ` +
          'after a deploy, or run herald doctor with AWS credentials\n',
      );
    }
    if (purpose === 'DMARC' && settings.dmarc.policy === 'existing') {
      out.write(`  the domain keeps its own DMARC record at _dmarc.${domain} (herald:dmarcPolicy existing)\n`);
      const existing = dnsProblem ? undefined : await checkExistingDmarc(options.dns!, domain);
      if (existing?.state === 'missing') ok = false;
      out.write(`    ${existing ? describe(existing) : dnsProblem}\n`);
    }
    for (const record of group) out.write(`  ${zoneLine(record)}\n    ${await check(record)}\n`);
  }
  if (!region) {
    out.write(`\nThe MX record names the stack's region (${feedbackHost('<region>')}): give --region or AWS_REGION.\n`);
  }
  return ok;
}

/** cdk.json's context, as the CDK CLI reads it for the app. */
export function cdkContext(root: string, overrides: readonly string[] = []): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(root, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  const context: Record<string, unknown> = { ...cdkJson.context };
  for (const pair of overrides) {
    const at = pair.indexOf('=');
    if (at < 1) throw new Error(`--context takes key=value, not ${pair}`);
    context[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return context;
}

/** Whether the AWS SDK would find credentials without asking a metadata service (which can take seconds to fail). */
export function hasAwsCredentials(env: NodeJS.ProcessEnv = process.env, home = homedir()): boolean {
  const fromEnv = [
    'AWS_ACCESS_KEY_ID',
    'AWS_PROFILE',
    'AWS_WEB_IDENTITY_TOKEN_FILE',
    'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
    'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  ].some((name) => env[name]);
  const files = [
    env.AWS_SHARED_CREDENTIALS_FILE ?? join(home, '.aws', 'credentials'),
    env.AWS_CONFIG_FILE ?? join(home, '.aws', 'config'),
  ];
  return fromEnv || files.some((file) => existsSync(file));
}

/** GetEmailIdentity through the AWS SDK's default credentials and region. */
export function sesIdentityLookup(region?: string): IdentityLookup {
  const client = new SESv2Client(region ? { region } : {});
  return async (domain) => {
    try {
      const identity = await client.send(new GetEmailIdentityCommand({ EmailIdentity: domain }));
      return {
        region: await client.config.region(),
        dkimTokens: identity.DkimAttributes?.Tokens ?? [],
        dkimStatus: identity.DkimAttributes?.Status,
        verifiedForSending: identity.VerifiedForSendingStatus ?? false,
        mailFromStatus: identity.MailFromAttributes?.MailFromDomainStatus,
      };
    } catch (error) {
      if (error instanceof NotFoundException) return 'not-found';
      throw error;
    }
  };
}

/** node:dns with a short timeout: a resolver that does not answer should not hold the command up. */
export function systemDns(): DnsLookup {
  return new Resolver({ timeout: 3000, tries: 1 });
}

export interface DoctorFlags {
  /** `-c key=value` overrides of cdk.json's context, as `cdk deploy` takes them. */
  context?: string[];
  region?: string;
  /** Neither SES nor DNS is asked. */
  offline?: boolean;
}

/** The command as the CLI runs it: settings from cdk.json, SES when credentials exist, the system's resolver. */
export function runDoctorCommand(flags: DoctorFlags): Promise<boolean> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const region = flags.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  const aws = !flags.offline && hasAwsCredentials();
  return runDoctor({
    context: cdkContext(root, flags.context),
    ...(region && { region }),
    ...(aws ? { ses: sesIdentityLookup(region) } : { awsSkipped: flags.offline ? '--offline' : 'no AWS credentials' }),
    ...(!flags.offline && { dns: systemDns() }),
  });
}
