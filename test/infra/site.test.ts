// Infra tests of the web front door: CloudFront over the private site bucket (OAC) and the HTTP API's paths.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions';
import { AllowedMethods, CachePolicy, OriginRequestPolicy } from 'aws-cdk-lib/aws-cloudfront';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EDGE_HEADER } from '../../contracts/headers.ts';
import { ROUTES } from '../../contracts/routes.ts';
import {
  API_PATH_PATTERNS,
  IMAGES_PATH_PATTERN,
  ARCHIVE_MAX_TTL,
  ARCHIVE_PATH_PATTERN,
  DIRECTORY_INDEX_CODE,
  NOTICE_PATH_PATTERNS,
  VIEWER_IP_CODE,
  WEB_CONFIG_KEY,
} from '../../infra/constructs/herald-site.ts';
import { WEB_VENDOR_FILES } from '../../infra/web-vendor.ts';
import { siteAssetFiles } from '../../contracts/assets.ts';
import { readProject } from '../../infra/project.ts';
import { PAGE_CSP, webAppCsp } from '../../contracts/headers.ts';
import { acknowledgements, buildHerald, logicalId, removeAssemblies, synthHerald } from './herald-app.ts';

let herald: ReturnType<typeof synthHerald>;
let template: Template;

beforeAll(() => {
  herald = synthHerald();
  template = herald.statelessTemplate;
});
afterAll(removeAssemblies);

const id = (path: string) => logicalId(herald.stateless.node.findChild('Site').node.findChild(path));
type Behavior = Record<string, unknown> & { PathPattern?: string; TargetOriginId: string };
type Origin = Record<string, unknown> & { Id: string; DomainName: unknown };
const distributionConfig = () =>
  template.toJSON().Resources[id('Distribution')].Properties.DistributionConfig as {
    DefaultCacheBehavior: Behavior;
    CacheBehaviors: Behavior[];
    Origins: Origin[];
    Logging: unknown;
    Aliases?: string[];
    ViewerCertificate?: unknown;
  };
const origin = (originId: string) => distributionConfig().Origins.find((o) => o.Id === originId);

describe('the viewer address function', () => {
  it("names the reader's address in true-client-ip, replacing whatever the client sent", () => {
    const handler = new Function(`${VIEWER_IP_CODE}; return handler;`)() as (event: object) => {
      headers: Record<string, { value: string }>;
    };
    const request = handler({
      viewer: { ip: '192.0.2.44' },
      request: { headers: { 'true-client-ip': { value: '198.51.100.66' } } },
    });
    expect(request.headers['true-client-ip']).toEqual({ value: '192.0.2.44' });
  });
});

describe('CloudFront distribution', () => {
  it('sends exactly the API paths to the HTTP API, all but the archive and notices uncached, with every viewer header but Host', () => {
    const behaviors = distributionConfig().CacheBehaviors;
    expect(behaviors.map((b) => b.PathPattern)).toEqual([...API_PATH_PATTERNS, IMAGES_PATH_PATTERN]);
    // The public pages (signup, unsubscribe, preferences, the notices) are served by the API too.
    expect(API_PATH_PATTERNS).toEqual(
      expect.arrayContaining(['/subscribe*', '/unsubscribe/*', '/preferences/*', '/privacy*', '/accessibility*']),
    );
    const cached = [ARCHIVE_PATH_PATTERN, ...NOTICE_PATH_PATTERNS, IMAGES_PATH_PATTERN];
    for (const behavior of behaviors.filter((b) => !cached.includes(b.PathPattern!))) {
      expect(behavior).toMatchObject({
        AllowedMethods: AllowedMethods.ALLOW_ALL.methods,
        CachePolicyId: CachePolicy.CACHING_DISABLED.cachePolicyId,
        OriginRequestPolicyId: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId,
        // The reader's address, set by a function in place of whatever a client sent.
        FunctionAssociations: [
          { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [id('ViewerIp'), 'FunctionARN'] } },
        ],
        ResponseHeadersPolicyId: { Ref: id('ApiHeaders') },
        ViewerProtocolPolicy: 'https-only',
      });
      expect(origin(behavior.TargetOriginId)).toMatchObject({
        CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] },
      });
      // The API's custom domain (api.newsletter.secon.example): its execute-api endpoint is off.
      expect(origin(behavior.TargetOriginId)?.DomainName).toEqual({
        Ref: logicalId(herald.stateless.node.findChild('ApiDomain')),
      });
    }
  });

  it('caches the archive as long as its answer says, keyed on the path alone, and forwards nothing of the viewer', () => {
    const behavior = distributionConfig().CacheBehaviors.find((b) => b.PathPattern === ARCHIVE_PATH_PATTERN)!;
    expect(behavior).toMatchObject({
      AllowedMethods: ['GET', 'HEAD'],
      CachePolicyId: { Ref: id('ArchiveCache') },
      ResponseHeadersPolicyId: { Ref: id('ApiHeaders') },
      ViewerProtocolPolicy: 'https-only',
    });
    // The API's origin, with the edge secret, as for the other API paths.
    const other = distributionConfig().CacheBehaviors.find((b) => b.PathPattern === '/api/*')!;
    expect(behavior.TargetOriginId).toBe(other.TargetOriginId);
    // No viewer header, cookie or query reaches the function: no reader can make the page personal.
    expect(behavior).not.toHaveProperty('OriginRequestPolicyId');
    expect(behavior).not.toHaveProperty('FunctionAssociations');
    const policy = template.toJSON().Resources[id('ArchiveCache')].Properties.CachePolicyConfig;
    expect(policy).toMatchObject({
      // An answer without Cache-Control is not kept; one with `max-age` is kept that long, at most an hour.
      MinTTL: 0,
      DefaultTTL: 0,
      MaxTTL: ARCHIVE_MAX_TTL.toSeconds(),
      ParametersInCacheKeyAndForwardedToOrigin: {
        QueryStringsConfig: { QueryStringBehavior: 'none' },
        HeadersConfig: { HeaderBehavior: 'none' },
        CookiesConfig: { CookieBehavior: 'none' },
        EnableAcceptEncodingGzip: true,
        EnableAcceptEncodingBrotli: true,
      },
    });
  });

  it('caches the notices per language: the `lang` parameter alone joins the path in the key and reaches the function', () => {
    for (const pattern of NOTICE_PATH_PATTERNS) {
      const behavior = distributionConfig().CacheBehaviors.find((b) => b.PathPattern === pattern)!;
      expect(behavior).toMatchObject({
        AllowedMethods: ['GET', 'HEAD'],
        CachePolicyId: { Ref: id('NoticeCache') },
        ResponseHeadersPolicyId: { Ref: id('ApiHeaders') },
        ViewerProtocolPolicy: 'https-only',
      });
      expect(behavior).not.toHaveProperty('OriginRequestPolicyId');
    }
    const policy = template.toJSON().Resources[id('NoticeCache')].Properties.CachePolicyConfig;
    expect(policy).toMatchObject({
      MinTTL: 0,
      DefaultTTL: 0,
      MaxTTL: ARCHIVE_MAX_TTL.toSeconds(),
      ParametersInCacheKeyAndForwardedToOrigin: {
        QueryStringsConfig: { QueryStringBehavior: 'whitelist', QueryStrings: ['lang'] },
        HeadersConfig: { HeaderBehavior: 'none' },
        CookiesConfig: { CookieBehavior: 'none' },
      },
    });
  });

  it('caches only what the route table lets be kept: the archive and notices, and no other route falls under their paths', () => {
    const glob = (pattern: string) =>
      new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    const cached = [ARCHIVE_PATH_PATTERN, ...NOTICE_PATH_PATTERNS].map(glob);
    for (const spec of Object.values(ROUTES)) {
      // A path of the route, its parameters filled.
      const path = spec.path.replace(/\{\w+\}/g, 'x');
      expect(
        cached.some((pattern) => pattern.test(path)),
        `${spec.method} ${spec.path}`,
      ).toBe(spec.cache === 'public');
    }
  });

  it('proves each request to the API came through CloudFront with the edge secret, which the template never holds', () => {
    const apiOrigin = origin(distributionConfig().CacheBehaviors[0]!.TargetOriginId);
    const headers = apiOrigin?.OriginCustomHeaders as { HeaderName: string; HeaderValue: unknown }[];
    expect(headers.map((h) => h.HeaderName)).toEqual([EDGE_HEADER]);
    // A dynamic reference, resolved by CloudFormation at deploy: `{{resolve:secretsmanager:<arn>:SecretString:::}}`.
    const value = JSON.stringify(headers[0]?.HeaderValue);
    expect(value).toContain('{{resolve:secretsmanager:');
    expect(value).toContain(JSON.stringify({ Ref: logicalId(herald.stateless.node.findChild('EdgeSecret')) }));
  });

  it('serves everything else from the site bucket through Origin Access Control', () => {
    const behavior = distributionConfig().DefaultCacheBehavior;
    expect(behavior).toMatchObject({
      ViewerProtocolPolicy: 'redirect-to-https',
      AllowedMethods: ['GET', 'HEAD'],
      ResponseHeadersPolicyId: { Ref: id('WebAppHeaders') },
      FunctionAssociations: [
        { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [id('DirectoryIndex'), 'FunctionARN'] } },
      ],
    });
    const s3 = origin(behavior.TargetOriginId);
    expect(s3?.DomainName).toEqual({ 'Fn::GetAtt': [id('SiteBucket'), 'RegionalDomainName'] });
    const [oac] = Object.keys(
      template.findResources('AWS::CloudFront::OriginAccessControl', {
        Properties: {
          OriginAccessControlConfig: Match.objectLike({
            OriginAccessControlOriginType: 's3',
            SigningBehavior: 'always',
          }),
        },
      }),
    );
    expect(s3?.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [oac, 'Id'] });
    expect(s3).toMatchObject({ S3OriginConfig: { OriginAccessIdentity: '' } });
  });

  it("sends the security headers: the web apps' policy on the bucket's files, the API's own policy first", () => {
    const config = (policy: string) =>
      template.toJSON().Resources[id(policy)].Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const common = {
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
      StrictTransportSecurity: { AccessControlMaxAgeSec: 31_536_000, Override: true },
    };
    expect(config('WebAppHeaders')).toMatchObject({
      ...common,
      ContentSecurityPolicy: { Override: true },
    });
    // The editor PUTs image originals straight to the uploads bucket: its origin alone joins connect-src.
    expect(JSON.stringify(config('WebAppHeaders').ContentSecurityPolicy)).toMatch(
      new RegExp(`connect-src 'self' https://",\\{"Fn::GetAtt":\\["${id('UploadsBucket')}","RegionalDomainName"\\]\\}`),
    );
    // The API sets the page policy on its HTML; CloudFront's fills in where it set none.
    expect(config('ApiHeaders')).toMatchObject({
      ...common,
      ContentSecurityPolicy: { ContentSecurityPolicy: PAGE_CSP, Override: false },
    });
    expect(webAppCsp()).toContain("script-src 'self';");
    expect(`${webAppCsp()};${PAGE_CSP}`).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  });

  it('lets only this distribution read the bucket, which refuses public access and plain HTTP', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id('SiteBucket') },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 's3:GetObject',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
    expect(template.toJSON().Resources[id('SiteBucket')].Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: expect.anything() }] },
      LoggingConfiguration: { DestinationBucketName: { Ref: id('LogBucket') } },
    });
  });

  it('logs requests to the log bucket, which keeps them 90 days', () => {
    expect(distributionConfig().Logging).toMatchObject({
      Bucket: { 'Fn::GetAtt': [id('LogBucket'), 'RegionalDomainName'] },
    });
    expect(template.toJSON().Resources[id('LogBucket')].Properties).toMatchObject({
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] },
      LifecycleConfiguration: { Rules: [{ ExpirationInDays: 90, Status: 'Enabled' }] },
    });
  });

  it('serves directory indexes and redirects extensionless paths to their directory', () => {
    template.hasResourceProperties('AWS::CloudFront::Function', {
      FunctionCode: DIRECTORY_INDEX_CODE,
      FunctionConfig: Match.objectLike({ Runtime: 'cloudfront-js-2.0' }),
    });
    const handler = new Function(`${DIRECTORY_INDEX_CODE}; return handler;`)() as (event: unknown) => {
      uri?: string;
      statusCode?: number;
      headers?: { location: { value: string } };
    };
    const run = (uri: string, querystring: Record<string, unknown> = {}) =>
      handler({ request: { uri, querystring, headers: {} } });
    expect(run('/').uri).toBe('/index.html');
    expect(run('/editor/').uri).toBe('/editor/index.html');
    expect(run('/editor/app.js').uri).toBe('/editor/app.js');
    expect(run('/editor')).toMatchObject({ statusCode: 301, headers: { location: { value: '/editor/' } } });
    const query = { issue: { value: '42' }, lang: { value: 'en', multiValue: [{ value: 'en' }, { value: 'de' }] } };
    expect(run('/editor', query).headers?.location.value).toBe('/editor/?issue=42&lang=en&lang=de');
  });

  it("outputs the distribution's URL and the name the API domain's DNS record points at", () => {
    template.hasOutput('DistributionUrl', {
      Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [id('Distribution'), 'DomainName'] }]] },
    });
    template.hasOutput('ApiDomainTarget', { Value: Match.anyValue() });
  });
});

describe('web app deployment', () => {
  it('syncs the web folder, the sign-in settings and the vendored chart library into the bucket and invalidates the distribution', () => {
    const deployments = Object.values(template.findResources('Custom::CDKBucketDeployment'));
    expect(deployments).toHaveLength(1);
    const properties = deployments[0]?.Properties;
    expect(properties).toMatchObject({
      DestinationBucketName: { Ref: id('SiteBucket') },
      DistributionId: { Ref: id('Distribution') },
      DistributionPaths: ['/*'],
      Prune: true,
      OutputObjectKeys: false,
    });
    // The web folder, /herald-config.json, one source per file of WEB_VENDOR_FILES (chart.js for the dashboard), and
    // the pages' images.
    expect(Object.keys(WEB_VENDOR_FILES)).toEqual(['vendor/chart.umd.min.js']);
    expect(properties.SourceObjectKeys).toHaveLength(3 + Object.keys(WEB_VENDOR_FILES).length);
    expect(properties.SourceMarkersConfig).toEqual([{}, { jsonEscape: true }]);
    expect(WEB_CONFIG_KEY).toBe('herald-config.json');
    // The JSON object's deploy-time values: the region, the user pool and the client, from the stateful stack.
    const markers = JSON.stringify(properties.SourceMarkers);
    for (const construct of [herald.stateful.userPool, herald.stateful.webClient]) {
      expect(markers).toContain(`PublishOutputRef${logicalId(construct)}`);
    }
  });

  it("deploys the EU emblem and the profile's logos unaltered, at the paths the pages name", () => {
    const project = readProject();
    const files = siteAssetFiles(project.profile, project.file);
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining([
        'assets/eu/eu-emblem.svg',
        'assets/eu/eu-emblem@2x.png',
        'assets/eu/eu-emblem-white-border.svg',
        `assets/project/${basename(project.profile.logo)}`,
        `assets/project/${basename(project.profile.programme.logo)}`,
      ]),
    );
    // The folder CDK staged in the cloud assembly and uploads: byte for byte the files.
    const staged = readdirSync(herald.assembly.directory)
      .map((name) => join(herald.assembly.directory, name))
      .find((dir) => existsSync(join(dir, 'assets', 'eu', 'eu-emblem.svg')));
    expect(staged).toBeDefined();
    for (const [key, file] of Object.entries(files)) {
      expect(readFileSync(join(staged!, key)).equals(readFileSync(file)), key).toBe(true);
    }
  });

  it('runs the deployment with its own role and a log group kept three months', () => {
    const role = id('DeploymentRole');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Role: { 'Fn::GetAtt': [role, 'Arn'] },
      LoggingConfig: { LogGroup: { Ref: id('DeploymentLogs') } },
    });
    expect(template.toJSON().Resources[role].Properties.ManagedPolicyArns).toBeUndefined();
    expect(template.toJSON().Resources[id('DeploymentLogs')].Properties.RetentionInDays).toBe(90);
  });

  it('deploys nothing, with a warning, while the web folder is missing', () => {
    const missing = synthHerald({ context: { 'herald:webDir': join(herald.assembly.directory, 'no-such-folder') } });
    missing.statelessTemplate.resourceCountIs('Custom::CDKBucketDeployment', 0);
    missing.statelessTemplate.resourceCountIs('AWS::CloudFront::Distribution', 1);
    Annotations.fromStack(missing.stateless).hasWarning(
      '/HeraldStateless/Site',
      Match.stringLikeRegexp('is missing or empty: the site bucket is created but nothing is deployed'),
    );
    expect(new AwsSolutionsChecks().validateScope(missing.app).violations).toEqual([]);
  });
});

// One synth with every optional setting a production deployer sets: custom domain, public URL, hosted sign-in.
describe('custom domain and hosted sign-in', () => {
  const certificateArn = 'arn:aws:acm:us-east-1:123456789012:certificate/abc';

  it('serves the domain with its certificate and TLS 1.2 at least, and needs no CFR4 acknowledgement', () => {
    const custom = synthHerald({
      context: {
        'herald:domainName': 'news.secon.example',
        'herald:certificateArn': certificateArn,
        'herald:publicUrl': 'https://news.secon.example/',
        'herald:authDomainPrefix': 'herald-test',
      },
    });
    const config = custom.statelessTemplate.findResources('AWS::CloudFront::Distribution');
    expect(Object.values(config)[0]?.Properties.DistributionConfig).toMatchObject({
      Aliases: ['news.secon.example'],
      ViewerCertificate: {
        AcmCertificateArn: certificateArn,
        MinimumProtocolVersion: 'TLSv1.2_2021',
        SslSupportMethod: 'sni-only',
      },
    });
    expect(new AwsSolutionsChecks().validateScope(custom.app).violations).toEqual([]);
    expect(acknowledgements(custom.app).map((a) => a.id)).not.toContain('AwsSolutions-CFR4');

    // The web client's callback follows herald:publicUrl; the hosted domain is added and output.
    custom.statefulTemplate.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      CallbackURLs: ['https://news.secon.example/editor/', 'https://news.secon.example/dashboard/'],
      LogoutURLs: ['https://news.secon.example/editor/', 'https://news.secon.example/dashboard/'],
    });
    custom.statefulTemplate.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'herald-test' });
    custom.statefulTemplate.hasOutput('AuthDomainUrl', Match.anyValue());
    // The web apps may call the hosted UI's token endpoint, and nothing else outside the site.
    const [webHeaders] = Object.values(
      custom.statelessTemplate.findResources('AWS::CloudFront::ResponseHeadersPolicy', {
        Properties: { ResponseHeadersPolicyConfig: { Comment: Match.stringLikeRegexp('WebAppHeaders') } },
      }),
    );
    const csp = JSON.stringify(
      webHeaders?.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy,
    );
    expect(csp).toMatch(
      /connect-src 'self' https:\/\/",.*AuthDomain.*\.amazoncognito\.com https:\/\/",.*UploadsBucket.*; object-src/,
    );
    const environment = Object.values(custom.statelessTemplate.findResources('AWS::Lambda::Function')).map(
      (fn) => fn.Properties.Environment?.Variables?.HERALD_PUBLIC_URL,
    );
    expect(environment.filter(Boolean)).toEqual(Array(8).fill('https://news.secon.example'));
  });

  it('refuses a domain without a certificate in us-east-1', () => {
    expect(() => buildHerald({ context: { 'herald:domainName': 'newsletter.secon.example' } })).toThrow(/go together/);
    expect(() =>
      buildHerald({
        context: {
          'herald:domainName': 'newsletter.secon.example',
          'herald:certificateArn': 'arn:aws:acm:eu-central-1:123456789012:certificate/abc',
        },
      }),
    ).toThrow(/us-east-1/);
  });
});
