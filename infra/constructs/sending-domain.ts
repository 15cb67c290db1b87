// The SES domain identity Herald sends from, with Easy DKIM (2048-bit) and a custom MAIL FROM domain, and its DNS
// records: added to a Route 53 hosted zone when one is given, otherwise listed as stack outputs to add by hand.
import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import { CnameRecord, MxRecord, PublicHostedZone, TxtRecord, type IPublicHostedZone } from 'aws-cdk-lib/aws-route53';
import {
  DkimIdentity,
  EasyDkimSigningKeyLength,
  EmailIdentity,
  Identity,
  MailFromBehaviorOnMxFailure,
  type IConfigurationSet,
} from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import { sendingDomainRecords, zoneLine, type DnsRecord } from '../dns-records.ts';
import type { HeraldSettings } from '../settings.ts';

export interface SendingDomainProps {
  readonly settings: Pick<HeraldSettings, 'sesIdentity' | 'mailFromDomain' | 'dmarc' | 'hostedZone'>;
  /** The identity's default configuration set: mail sent without naming one still gets its suppression and events. */
  readonly configurationSet: IConfigurationSet;
}

const DESCRIPTIONS: Record<DnsRecord['purpose'], string> = {
  DKIM: 'DKIM: SES signs with the key published at this name (Easy DKIM, 2048-bit)',
  'MAIL FROM': 'MAIL FROM: bounces return to SES at this subdomain, so SPF passes within the sending domain',
  DMARC: 'DMARC: Gmail and Yahoo require one of bulk senders; p=none (reports only) meets the requirement',
};

export class SendingDomain extends Construct {
  readonly identity: EmailIdentity;
  /** The records the domain needs, with the DKIM names and values as CloudFormation references. */
  readonly records: DnsRecord[];

  constructor(scope: Construct, id: string, props: SendingDomainProps) {
    super(scope, id);
    const { settings } = props;
    this.identity = new EmailIdentity(this, 'Identity', {
      identity: Identity.domain(settings.sesIdentity),
      configurationSet: props.configurationSet,
      dkimSigning: true,
      dkimIdentity: DkimIdentity.easyDkim(EasyDkimSigningKeyLength.RSA_2048_BIT),
      mailFromDomain: settings.mailFromDomain,
      // Until the MX record exists SES falls back to its own MAIL FROM domain: DKIM still aligns, so DMARC passes
      // and a send started before the DNS change is not refused.
      mailFromBehaviorOnMxFailure: MailFromBehaviorOnMxFailure.USE_DEFAULT_VALUE,
    });
    this.records = sendingDomainRecords(settings, {
      region: Stack.of(this).region,
      dkim: this.identity.dkimRecords,
    });
    if (settings.hostedZone) {
      const zone = PublicHostedZone.fromHostedZoneAttributes(this, 'Zone', {
        hostedZoneId: settings.hostedZone.id,
        zoneName: settings.hostedZone.name,
      });
      for (const record of this.records) addToZone(this, zone, record);
    } else {
      for (const record of this.records) {
        new CfnOutput(Stack.of(this), record.id, {
          value: zoneLine(record),
          description: `Add this record to the DNS of ${settings.sesIdentity}. ${DESCRIPTIONS[record.purpose]}`,
        });
      }
    }
  }
}

function addToZone(scope: Construct, zone: IPublicHostedZone, record: DnsRecord) {
  // A trailing dot: the name is whole (a DKIM name is a reference, which the zone's name cannot be appended to).
  const common = { zone, recordName: `${record.name}.`, ttl: Duration.minutes(30) };
  if (record.type === 'CNAME') {
    new CnameRecord(scope, record.id, { ...common, domainName: record.value });
  } else if (record.type === 'MX') {
    const [priority, hostName] = record.value.split(' ');
    new MxRecord(scope, record.id, { ...common, values: [{ priority: Number(priority), hostName: hostName! }] });
  } else {
    new TxtRecord(scope, record.id, { ...common, values: [record.value] });
  }
}
