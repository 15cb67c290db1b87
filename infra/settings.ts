// Deploy-time settings of the Herald app, read from cdk.json's context or `cdk synth -c key=value`; what the project
// is (its sender among it) comes from its profile (infra/project.ts), which these settings are checked against.
import { isAbsolute, join } from 'node:path';
import type { Node } from 'constructs';
import { fromHeader, type Profile } from '../contracts/profile.ts';
import { PROJECT_ROOT } from './constructs/herald-function.ts';

/** What the DMARC record asks receivers to do with mail that fails it, or `existing`: the domain has one already. */
export const DMARC_POLICIES = ['none', 'quarantine', 'reject', 'existing'] as const;
export type DmarcPolicy = (typeof DMARC_POLICIES)[number];

const HOST_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const ADDRESS = /^[^\s@<>]+@([^\s@<>]+)$/;
const isWithin = (host: string, domain: string) => host === domain || host.endsWith(`.${domain}`);

export interface HeraldSettings {
  /**
   * The domain the CDK app makes an SES identity of, with Easy DKIM (`herald:sesIdentity`, by default the domain of
   * the profile's sender): the functions may send from it only, and the From address must be in it.
   */
  sesIdentity: string;
  /** The From header, from the profile's sender (`Name <address>`), in the identity's domain. */
  fromAddress: string;
  /**
   * The custom MAIL FROM domain: `herald:mailFromSubdomain` (`mail` by default) under the identity. Bounces return
   * there, so SPF passes for a name in the identity's domain, which DMARC needs.
   */
  mailFromDomain: string;
  /**
   * A Route 53 public hosted zone holding the identity's domain (`herald:hostedZoneId` with `herald:hostedZoneName`,
   * both or neither): the CDK app adds the DKIM, MAIL FROM and DMARC records to it. Without it they are outputs.
   */
  hostedZone?: { id: string; name: string };
  /**
   * The DMARC record at `_dmarc.<identity>`: `herald:dmarcPolicy` (`none` by default; `existing` leaves a record
   * the domain already has alone) and an address for aggregate reports (`herald:dmarcReportAddress`, none by default).
   */
  dmarc: { policy: DmarcPolicy; reportAddress?: string };
  /**
   * Base URL of links in emails and of the web app (`herald:publicUrl`): the CloudFront distribution's URL
   * or a custom domain. Not a reference to the distribution, which would make a cycle (the distribution
   * reaches the HTTP API, whose Api function would read the distribution's URL).
   */
  publicUrl: string;
  /**
   * The SES account's MaxSendRate in emails per second (`herald:maxSendRate`): the Sender's concurrency follows
   * from it. The senders pace themselves to the rate GetAccount reports at run time.
   */
  maxSendRate: number;
  /**
   * Signups the Api accepts per IP address per minute (`herald:signupRateLimit`) and per email address per hour
   * (`herald:signupAddressLimit`); more are refused with 429.
   */
  signupLimits: { perIpPerMinute: number; perAddressPerHour: number };
  /** The folder deployed to the site bucket (`herald:webDir`, relative to the repository root). */
  webDir: string;
  /**
   * A custom domain of the distribution (`herald:domainName`) with its ACM certificate in us-east-1
   * (`herald:certificateArn`); both or neither.
   */
  customDomain?: { domainName: string; certificateArn: string };
  /**
   * The HTTP API's custom domain (`herald:apiDomainName`, by default `api.` and the host of herald:publicUrl) with
   * its ACM certificate in the stack's region (`herald:apiCertificateArn`). API Gateway's own execute-api endpoint
   * is disabled; CloudFront reaches the API at this name, which a DNS record points at the `ApiDomainTarget`
   * output. Without a certificate the synth uses a placeholder (and warns): the deploy needs the real one.
   */
  apiDomain: { domainName: string; certificateArn: string | undefined };
  /**
   * The account's Lambda concurrency limit (`herald:accountConcurrency`, 1000 by default): the concurrency the
   * functions reserve must leave Lambda's minimum of 100 unreserved.
   */
  accountConcurrency: number;
  /** Prefix of a Cognito-hosted domain for the OAuth sign-in (`herald:authDomainPrefix`); none by default. */
  authDomainPrefix?: string;
  /** An address that gets the SES reputation alarms by email (`herald:alarmEmail`); none by default. */
  alarmEmail?: string;
}

/**
 * Reads and checks the settings against the project's profile; a plain `tryGetContext` (the CLI's, from cdk.json)
 * serves as well as a construct's.
 */
export function readSettings(node: Pick<Node, 'tryGetContext'>, profile: Profile): HeraldSettings {
  const optional = (key: string): string | undefined => {
    const value: unknown = node.tryGetContext(key);
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const text = (key: string, fallback: string): string => optional(key) ?? fallback;
  // A number in cdk.json or a string from `-c key=value`.
  const integer = (key: string, fallback: number, min: number, max: number): number => {
    const value: unknown = node.tryGetContext(key);
    const parsed = typeof value === 'number' ? value : Number(optional(key) ?? fallback);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      throw new Error(`${key} must be an integer from ${min} to ${max}, not ${String(value)}`);
    }
    return parsed;
  };
  // 14 a second is the rate SES grants an account leaving the sandbox.
  const maxSendRate = integer('herald:maxSendRate', 14, 1, 50_000);
  const signupLimits = {
    perIpPerMinute: integer('herald:signupRateLimit', 10, 1, 1_000_000),
    perAddressPerHour: integer('herald:signupAddressLimit', 5, 1, 1_000_000),
  };
  const publicUrl = text('herald:publicUrl', `https://newsletter.${senderDomainOf(profile)}`).replace(/\/+$/, '');
  // Cognito accepts only https callback URLs (but for localhost), and links in emails should be https anyway.
  if (!/^https:\/\/[^\s/]+/.test(publicUrl)) {
    throw new Error(`herald:publicUrl must be an https:// URL, not ${publicUrl}`);
  }
  const domainName = optional('herald:domainName');
  const certificateArn = optional('herald:certificateArn');
  if ((domainName === undefined) !== (certificateArn === undefined)) {
    throw new Error('herald:domainName and herald:certificateArn go together: set both or neither');
  }
  if (certificateArn !== undefined && !certificateArn.startsWith('arn:aws:acm:us-east-1:')) {
    throw new Error(
      `herald:certificateArn must be an ACM certificate in us-east-1 (CloudFront), not ${certificateArn}`,
    );
  }
  const apiDomainName = text('herald:apiDomainName', `api.${new URL(publicUrl).hostname}`);
  if (!HOST_NAME.test(apiDomainName)) {
    throw new Error(`herald:apiDomainName must be a lower-case host name, not ${apiDomainName}`);
  }
  const apiCertificateArn = optional('herald:apiCertificateArn');
  if (
    apiCertificateArn !== undefined &&
    !/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/.+/.test(apiCertificateArn)
  ) {
    throw new Error(`herald:apiCertificateArn must be the ARN of an ACM certificate, not ${apiCertificateArn}`);
  }
  const webDir = text('herald:webDir', 'web');
  const sending = readSending(optional, profile);
  return {
    ...sending,
    publicUrl,
    maxSendRate,
    signupLimits,
    webDir: isAbsolute(webDir) ? webDir : join(PROJECT_ROOT, webDir),
    customDomain: domainName && certificateArn ? { domainName, certificateArn } : undefined,
    apiDomain: { domainName: apiDomainName, certificateArn: apiCertificateArn },
    accountConcurrency: integer('herald:accountConcurrency', 1000, 100, 10_000_000),
    authDomainPrefix: optional('herald:authDomainPrefix'),
    alarmEmail: optional('herald:alarmEmail'),
  };
}

const senderDomainOf = (profile: Profile) =>
  profile.sender.address.slice(profile.sender.address.lastIndexOf('@') + 1).toLowerCase();

/** The SES identity, the From address, MAIL FROM, the hosted zone and DMARC: what deliverability rests on. */
function readSending(optional: (key: string) => string | undefined, profile: Profile) {
  const sesIdentity = optional('herald:sesIdentity') ?? senderDomainOf(profile);
  if (!HOST_NAME.test(sesIdentity)) {
    throw new Error(
      `herald:sesIdentity must be a lower-case domain name (the CDK app verifies it), not ${sesIdentity}`,
    );
  }
  const fromAddress = fromHeader(profile.sender);
  const fromDomain = senderDomainOf(profile);
  // SES sends only from a verified identity, and DMARC passes only when the From domain aligns with the DKIM domain.
  if (!isWithin(fromDomain, sesIdentity)) {
    throw new Error(
      `the profile's sender.address must be an address at ${sesIdentity} (herald:sesIdentity), not at ${fromDomain}`,
    );
  }
  const mailFromSubdomain = optional('herald:mailFromSubdomain') ?? 'mail';
  const mailFromDomain = `${mailFromSubdomain}.${sesIdentity}`;
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(mailFromSubdomain) || !HOST_NAME.test(mailFromDomain)) {
    throw new Error(
      `herald:mailFromSubdomain must be a lower-case subdomain label such as mail, not ${mailFromSubdomain}`,
    );
  }
  // SES refuses a MAIL FROM domain that is also the From address's domain.
  if (mailFromDomain === fromDomain) {
    throw new Error(
      `herald:mailFromSubdomain must not make the From address's domain (${fromDomain}) the MAIL FROM domain`,
    );
  }
  const hostedZoneId = optional('herald:hostedZoneId');
  const hostedZoneName = optional('herald:hostedZoneName')?.replace(/\.$/, '');
  if ((hostedZoneId === undefined) !== (hostedZoneName === undefined)) {
    throw new Error('herald:hostedZoneId and herald:hostedZoneName go together: set both or neither');
  }
  if (hostedZoneId !== undefined && !/^Z[A-Z0-9]{1,31}$/.test(hostedZoneId)) {
    throw new Error(
      `herald:hostedZoneId must be a Route 53 hosted zone id such as Z0123456789ABC, not ${hostedZoneId}`,
    );
  }
  if (hostedZoneName !== undefined && !isWithin(sesIdentity, hostedZoneName)) {
    throw new Error(
      `herald:hostedZoneName must be ${sesIdentity} (herald:sesIdentity) or a parent of it, not ${hostedZoneName}`,
    );
  }
  const policy = optional('herald:dmarcPolicy') ?? 'none';
  if (!DMARC_POLICIES.includes(policy as DmarcPolicy)) {
    throw new Error(`herald:dmarcPolicy must be one of ${DMARC_POLICIES.join(', ')}, not ${policy}`);
  }
  const reportAddress = optional('herald:dmarcReportAddress');
  if (reportAddress !== undefined && !ADDRESS.test(reportAddress)) {
    throw new Error(`herald:dmarcReportAddress must be an email address, not ${reportAddress}`);
  }
  return {
    sesIdentity,
    fromAddress,
    mailFromDomain,
    hostedZone: hostedZoneId && hostedZoneName ? { id: hostedZoneId, name: hostedZoneName } : undefined,
    dmarc: { policy: policy as DmarcPolicy, ...(reportAddress && { reportAddress }) },
  };
}
