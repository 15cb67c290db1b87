// Unit tests of `herald doctor`: the records it prints are the stateful stack's outputs, and each DNS check says
// found, missing, wrong or could not check; neither SES nor DNS is reached (fakes stand in).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cdkContext,
  hasAwsCredentials,
  runDoctor,
  type DnsLookup,
  type DoctorOptions,
  type IdentityLookup,
} from '../../local/doctor-command.ts';
import { removeAssemblies, synthHerald } from '../infra/herald-app.ts';
import { secon } from '../support/profile.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const REGION = 'eu-west-1';
const TOKENS = ['abcdkim1', 'abcdkim2', 'abcdkim3'];

const deployed: IdentityLookup = async () => ({
  region: REGION,
  dkimTokens: TOKENS,
  dkimStatus: 'SUCCESS',
  verifiedForSending: true,
  mailFromStatus: 'SUCCESS',
});

/** A resolver that knows `records` (name → type → answers) and amazonses.com; any other name does not exist. */
function fakeDns(records: Record<string, { CNAME?: string[]; MX?: string[]; TXT?: string[] }>): DnsLookup {
  const answer = <T>(name: string, type: 'CNAME' | 'MX' | 'TXT', map: (value: string) => T): Promise<T[]> => {
    const found =
      name === 'amazonses.com' && type === 'TXT' ? ['v=spf1 ip4:199.255.192.0/22 -all'] : records[name]?.[type];
    if (!found) return Promise.reject(Object.assign(new Error(`query ${name}`), { code: 'ENOTFOUND' }));
    return Promise.resolve(found.map(map));
  };
  return {
    resolveCname: (name) => answer(name, 'CNAME', (v) => v),
    resolveMx: (name) => answer(name, 'MX', (v) => ({ priority: 10, exchange: v })),
    // A long TXT record comes in chunks of at most 255 characters.
    resolveTxt: (name) => answer(name, 'TXT', (v) => [v.slice(0, 10), v.slice(10)]),
  };
}

const CORRECT = {
  'abcdkim1._domainkey.secon.example': { CNAME: ['abcdkim1.dkim.amazonses.com'] },
  'abcdkim2._domainkey.secon.example': { CNAME: ['abcdkim2.dkim.amazonses.com'] },
  'abcdkim3._domainkey.secon.example': { CNAME: ['abcdkim3.dkim.amazonses.com'] },
  'mail.secon.example': {
    MX: [`feedback-smtp.${REGION}.amazonses.com`],
    TXT: ['v=spf1 include:amazonses.com ~all'],
  },
  '_dmarc.secon.example': { TXT: ['v=DMARC1; p=none'] },
};

async function doctor(options: Partial<DoctorOptions> = {}) {
  let text = '';
  const ok = await runDoctor({
    context: cdkContext(ROOT),
    region: REGION,
    ...options,
    out: { write: (chunk: string) => (text += chunk) },
  });
  return { ok, text, records: text.split('\n').filter((line) => /^ {2}[^\s.]+\.\S+ (CNAME|MX|TXT) /.test(line)) };
}

describe('the records herald doctor prints', () => {
  let outputs: Record<string, { Value: unknown }>;

  beforeAll(() => {
    outputs = synthHerald().statefulTemplate.toJSON().Outputs;
  });
  afterAll(removeAssemblies);

  /** An output's value as CloudFormation would give it in REGION, with SES's DKIM names for TOKENS. */
  function resolved(value: unknown): string {
    if (typeof value === 'string') return value;
    const v = value as { 'Fn::Join'?: [string, unknown[]]; Ref?: string; 'Fn::GetAtt'?: [string, string] };
    if (v['Fn::Join']) return v['Fn::Join'][1].map(resolved).join(v['Fn::Join'][0]);
    if (v.Ref === 'AWS::Region') return REGION;
    const [, attribute] = v['Fn::GetAtt'] ?? [];
    const match = /^DkimDNSToken(Name|Value)([123])$/.exec(attribute ?? '');
    if (!match) throw new Error(`Cannot resolve ${JSON.stringify(value)}`);
    const token = TOKENS[Number(match[2]) - 1]!;
    return match[1] === 'Name' ? `${token}._domainkey.secon.example` : `${token}.dkim.amazonses.com`;
  }
  const recordOutputs = () =>
    Object.entries(outputs)
      .filter(([id]) => id.startsWith('Dns'))
      .map(([, output]) => resolved(output.Value));

  it('prints every DNS record the stateful stack outputs, the DKIM ones once SES knows the identity', async () => {
    expect(recordOutputs()).toHaveLength(6);
    const { records, text } = await doctor({ ses: deployed });
    expect(records.map((line) => line.trim())).toEqual(recordOutputs());
    expect(text).toContain(`SES (${REGION}): verified for sending; DKIM SUCCESS; MAIL FROM SUCCESS`);
  });

  it('prints the same records offline, but for the DKIM names, and says where to find those', async () => {
    const { records, text } = await doctor({ awsSkipped: '--offline' });
    expect(records.map((line) => line.trim())).toEqual(recordOutputs().filter((line) => !line.includes(' CNAME ')));
    expect(text).toContain('SES: not checked (--offline)');
    expect(text).toMatch(/three CNAME records SES generates .* outputs DnsDkim1, DnsDkim2, DnsDkim3/);
    expect(text).toContain('v=DMARC1; p=none');
    expect(text).toMatch(/Gmail and Yahoo require one of bulk senders; p=none .* is enough/);
  });
});

describe('herald doctor', () => {
  it('finds every record in DNS and succeeds', async () => {
    const { ok, text } = await doctor({ ses: deployed, dns: fakeDns(CORRECT) });
    expect(ok).toBe(true);
    expect(text.match(/^ {4}found$/gm)).toHaveLength(6);
  });

  it('fails, naming the record, when one is missing or leaves SES out', async () => {
    const { ok, text } = await doctor({
      ses: deployed,
      dns: fakeDns({
        ...CORRECT,
        'abcdkim2._domainkey.secon.example': {},
        'mail.secon.example': { MX: [`feedback-smtp.${REGION}.amazonses.com`], TXT: ['v=spf1 mx -all'] },
      }),
    });
    expect(ok).toBe(false);
    expect(text).toMatch(/abcdkim2\._domainkey\.secon\.example CNAME \S+\n {4}MISSING: add it/);
    expect(text).toMatch(/TXT "v=spf1 include:amazonses.com ~all"\n {4}WRONG: its SPF record leaves SES out/);
  });

  it('keeps a DMARC record the domain already has instead of asking for a second', async () => {
    const dns = fakeDns({ ...CORRECT, '_dmarc.secon.example': { TXT: ['v=DMARC1; p=reject; rua=mailto:d@x.eu'] } });
    const { ok, text } = await doctor({ ses: deployed, dns });
    expect(ok).toBe(true);
    expect(text).toContain('found: the domain has its own, "v=DMARC1; p=reject; rua=mailto:d@x.eu": keep that one');
  });

  it('with herald:dmarcPolicy existing, asks for no DMARC record but checks that the domain has one', async () => {
    const context = { ...cdkContext(ROOT), 'herald:dmarcPolicy': 'existing' };
    const without = await doctor({ context, ses: deployed, dns: fakeDns({ ...CORRECT, '_dmarc.secon.example': {} }) });
    expect(without.records.some((line) => line.includes('_dmarc'))).toBe(false);
    expect(without.text).toMatch(/keeps its own DMARC record at _dmarc.secon.example .*\n {4}MISSING/);
    expect(without.ok).toBe(false);
    expect((await doctor({ context, ses: deployed, dns: fakeDns(CORRECT) })).ok).toBe(true);
  });

  it('says it could not check when DNS does not answer, and does not fail for that', async () => {
    const refused = Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    const dns: DnsLookup = {
      resolveCname: () => Promise.reject(refused),
      resolveMx: () => Promise.reject(refused),
      resolveTxt: () => Promise.reject(refused),
    };
    const { ok, text } = await doctor({ ses: deployed, dns });
    expect(ok).toBe(true);
    expect(text.match(/could not check: DNS does not answer here \(ECONNREFUSED\)/g)).toHaveLength(6);
  });

  it('says one record could not be checked when its lookup times out', async () => {
    const dns = fakeDns(CORRECT);
    const timedOut = Object.assign(new Error('timeout'), { code: 'ETIMEOUT' });
    const { ok, text } = await doctor({ ses: deployed, dns: { ...dns, resolveMx: () => Promise.reject(timedOut) } });
    expect(ok).toBe(true);
    expect(text).toMatch(/ MX 10 feedback-smtp\.eu-west-1\.amazonses\.com\n {4}could not check \(ETIMEOUT\)/);
  });

  it('fails and says to deploy when SES has no identity yet, or has not verified it', async () => {
    const missing = await doctor({ ses: async () => 'not-found', dns: fakeDns(CORRECT) });
    expect(missing.ok).toBe(false);
    expect(missing.text).toContain('SES: no identity secon.example yet: deploy HeraldStateful');
    const pending: IdentityLookup = async (domain) => ({
      ...((await deployed(domain)) as Exclude<Awaited<ReturnType<IdentityLookup>>, 'not-found'>),
      verifiedForSending: false,
      dkimStatus: 'PENDING',
    });
    const unverified = await doctor({ ses: pending, dns: fakeDns(CORRECT) });
    expect(unverified.ok).toBe(false);
    expect(unverified.text).toContain('NOT verified for sending yet; DKIM PENDING');
  });

  it('takes the MX record from the region SES answers in, and names the region it needs when it knows none', async () => {
    const { records, text } = await doctor({ region: undefined, awsSkipped: 'no AWS credentials' });
    expect(records).toContain('  mail.secon.example MX 10 feedback-smtp.<region>.amazonses.com');
    expect(text).toContain('give --region or AWS_REGION');
    const fromSes = await doctor({ region: undefined, ses: deployed });
    expect(fromSes.records).toContain(`  mail.secon.example MX 10 feedback-smtp.${REGION}.amazonses.com`);
  });

  it('reads settings given as -c key=value, and refuses an invalid one by name', async () => {
    const context = cdkContext(ROOT, ['herald:sesIdentity=news.example.eu']);
    // The From is the profile's sender: here one at the identity's domain.
    const profile = { ...secon.profile, sender: { name: 'News', address: 'hello@news.example.eu' } };
    const { records } = await doctor({ context, profile, awsSkipped: 'test' });
    expect(records).toContain('  _dmarc.news.example.eu TXT "v=DMARC1; p=none"');
    expect(() => cdkContext(ROOT, ['herald:sesIdentity'])).toThrow(/key=value/);
    await expect(doctor({ context: { ...context, 'herald:dmarcPolicy': 'strict' }, profile })).rejects.toThrow(
      /herald:dmarcPolicy must be one of none, quarantine, reject, existing/,
    );
  });
});

describe('AWS credentials', () => {
  const home = mkdtempSync(join(tmpdir(), 'herald-home-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('are found in the environment or in ~/.aws, and otherwise the AWS part is skipped', () => {
    expect(hasAwsCredentials({}, home)).toBe(false);
    expect(hasAwsCredentials({ AWS_PROFILE: 'herald' }, home)).toBe(true);
    expect(hasAwsCredentials({ AWS_ACCESS_KEY_ID: 'AKIA' }, home)).toBe(true);
    const file = join(home, 'credentials');
    writeFileSync(file, '[default]\n');
    expect(hasAwsCredentials({ AWS_SHARED_CREDENTIALS_FILE: file }, home)).toBe(true);
  });
});
