// Deploy-time settings of the Herald app, read from cdk.json's context or `cdk synth -c key=value`.
import { isAbsolute, join } from 'node:path';
import type { Node } from 'constructs';
import { PROJECT_ROOT } from './constructs/herald-function.ts';

export interface HeraldSettings {
  /** SES identity the functions may send from (`herald:sesIdentity`). */
  sesIdentity: string;
  fromAddress: string;
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

export function readSettings(node: Node): HeraldSettings {
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
  const publicUrl = text('herald:publicUrl', 'https://newsletter.secon.example').replace(/\/+$/, '');
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
  if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(apiDomainName)) {
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
  return {
    sesIdentity: text('herald:sesIdentity', 'secon.example'),
    fromAddress: text('herald:fromAddress', 'SECON Newsletter <newsletter@secon.example>'),
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
