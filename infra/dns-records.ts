// The DNS records SES needs to send as the Herald domain (DKIM, MAIL FROM, DMARC): one list, used by the CDK app for
// its Route 53 records or outputs and by `herald doctor` to print and check them. Pure: no CDK, no network.
import type { HeraldSettings } from './settings.ts';

export type DnsRecordType = 'CNAME' | 'MX' | 'TXT';

export interface DnsRecord {
  /** The stack output listing it (when no hosted zone is given), and its construct id. */
  readonly id: string;
  /** What it is for, in a few words. */
  readonly purpose: 'DKIM' | 'MAIL FROM' | 'DMARC';
  /** Fully qualified, without the trailing dot. */
  readonly name: string;
  readonly type: DnsRecordType;
  /** As a DNS console takes it: an MX record's `priority host`, a TXT record's text unquoted. */
  readonly value: string;
}

/** One of the three CNAME records of Easy DKIM, as SES names them. */
export interface DkimToken {
  readonly name: string;
  readonly value: string;
}

/** The outputs listing the DKIM records, which SES generates when the identity is created. */
export const DKIM_OUTPUTS = ['DnsDkim1', 'DnsDkim2', 'DnsDkim3'] as const;

export const SPF_FOR_SES = 'v=spf1 include:amazonses.com ~all';

/** Where SES receives bounces and complaints for a custom MAIL FROM domain in `region`. */
export const feedbackHost = (region: string) => `feedback-smtp.${region}.amazonses.com`;

/** Easy DKIM's CNAME records from the tokens GetEmailIdentity reports (the CloudFormation attributes name them whole). */
export const dkimTokensOf = (domain: string, tokens: readonly string[]): DkimToken[] =>
  tokens.map((token) => ({ name: `${token}._domainkey.${domain}`, value: `${token}.dkim.amazonses.com` }));

export function dmarcValue(dmarc: HeraldSettings['dmarc']): string {
  return `v=DMARC1; p=${dmarc.policy}${dmarc.reportAddress ? `; rua=mailto:${dmarc.reportAddress}` : ''}`;
}

/**
 * Every record to add for the settings, in `region`: the DKIM records when their tokens are known, the MAIL FROM
 * domain's MX and SPF records, and the DMARC record unless the domain keeps an existing one.
 */
export function sendingDomainRecords(
  settings: Pick<HeraldSettings, 'sesIdentity' | 'mailFromDomain' | 'dmarc'>,
  where: { region: string; dkim?: readonly DkimToken[] },
): DnsRecord[] {
  const dkim = (where.dkim ?? []).map((token, i): DnsRecord => ({
    id: DKIM_OUTPUTS[i] ?? `DnsDkim${i + 1}`,
    purpose: 'DKIM',
    name: token.name,
    type: 'CNAME',
    value: token.value,
  }));
  const mailFrom: DnsRecord[] = [
    {
      id: 'DnsMailFromMx',
      purpose: 'MAIL FROM',
      name: settings.mailFromDomain,
      type: 'MX',
      value: `10 ${feedbackHost(where.region)}`,
    },
    { id: 'DnsMailFromSpf', purpose: 'MAIL FROM', name: settings.mailFromDomain, type: 'TXT', value: SPF_FOR_SES },
  ];
  const dmarc: DnsRecord[] =
    settings.dmarc.policy === 'existing'
      ? []
      : [
          {
            id: 'DnsDmarc',
            purpose: 'DMARC',
            name: `_dmarc.${settings.sesIdentity}`,
            type: 'TXT',
            value: dmarcValue(settings.dmarc),
          },
        ];
  return [...dkim, ...mailFrom, ...dmarc];
}

/** The record as one zone-file line (`name TYPE value`, a TXT value quoted): what an output and the doctor print. */
export const zoneLine = (record: DnsRecord) =>
  `${record.name} ${record.type} ${record.type === 'TXT' ? `"${record.value}"` : record.value}`;
