// The web front door: a private bucket with the static web app and the pages' images (the EU emblem, the profile's
// logos) behind CloudFront, which also passes the HTTP API's paths (editor API, archive, notices, subscription and
// tracking links) through to API Gateway: uncached, but for the public archive and notices, which are kept as long
// as their answers say.
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  Annotations,
  AspectPriority,
  Aspects,
  Duration,
  RemovalPolicy,
  Stack,
  Validations,
  type CfnElement,
  type IAspect,
} from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CacheCookieBehavior,
  CacheHeaderBehavior,
  CachePolicy,
  CacheQueryStringBehavior,
  Distribution,
  Function as CloudFrontFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
  type BehaviorOptions,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { CfnPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  HttpMethods,
  ObjectOwnership,
  type IBucket,
} from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { rules } from 'cdk-nag';
import { Construct, type IConstruct } from 'constructs';
import { WEB_VENDOR_FILES } from '../web-vendor.ts';
import { PAGE_CSP, VIEWER_IP_HEADER, webAppCsp } from '../../contracts/headers.ts';

/** The paths CloudFront sends to the HTTP API; everything else is the static web app. */
export const API_PATH_PATTERNS = [
  '/api/*',
  '/archive/*',
  '/unsubscribe/*',
  '/preferences/*',
  '/t/*',
  '/subscribe*',
  '/privacy*',
  '/accessibility*',
] as const;

/** The API paths CloudFront caches, the same page for every reader (routes.ts `cache: 'public'`): the archive... */
export const ARCHIVE_PATH_PATTERN = '/archive/*';
/** ...and the notices, whose language is their `lang` query parameter. */
export const NOTICE_PATH_PATTERNS = ['/privacy*', '/accessibility*'] as const;

/** The archive's longest stay in CloudFront's cache, whatever its answer says; its own max-age is shorter. */
export const ARCHIVE_MAX_TTL = Duration.hours(1);

/** The object the deployment writes next to the web app: what the browser needs to sign in. */
export const WEB_CONFIG_KEY = 'herald-config.json';

/**
 * A CloudFront Function (viewer request) giving the private bucket directory indexes, as S3 website
 * hosting would: `/editor/` serves `/editor/index.html`, `/editor` redirects to `/editor/`.
 */
/**
 * A CloudFront Function (viewer request) on the API's paths that names the reader's address in `true-client-ip`,
 * replacing whatever a client sent (AWS's own example, amazon-cloudfront-functions/add-true-client-ip-header). The
 * origin sees CloudFront's connection, and X-Forwarded-For is the client's to write.
 */
export const VIEWER_IP_CODE = `function handler(event) {
  var request = event.request;
  request.headers['${VIEWER_IP_HEADER}'] = { value: event.viewer.ip };
  return request;
}`;

export const DIRECTORY_INDEX_CODE = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.endsWith('/')) {
    request.uri = uri + 'index.html';
    return request;
  }
  var last = uri.substring(uri.lastIndexOf('/') + 1);
  if (last.indexOf('.') !== -1) return request;
  var query = Object.keys(request.querystring)
    .map(function (name) {
      var entry = request.querystring[name];
      return (entry.multiValue || [entry])
        .map(function (item) { return item.value === '' ? name : name + '=' + item.value; })
        .join('&');
    })
    .join('&');
  var location = uri + '/' + (query ? '?' + query : '');
  return { statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: location } } };
}`;

export interface HeraldSiteProps {
  /** The HTTP API's custom domain, and the headers CloudFront adds to every request it sends there. */
  readonly api: { domainName: string; headers: Record<string, string> };
  /** The folder deployed to the bucket; when it is missing or empty, nothing is deployed (with a warning). */
  readonly webDir: string;
  /** Written to `/herald-config.json` for the web app (user pool, client and region). */
  readonly webConfig: Record<string, string>;
  /** Files deployed beside the web folder, by object key: the pages' images (contracts/assets.ts siteAssetFiles). */
  readonly assets?: Readonly<Record<string, string>>;
  readonly customDomain?: { domainName: string; certificateArn: string };
  /** The origins (the public site's URL) whose editor app PUTs image originals straight into the uploads bucket. */
  readonly uploadOrigins: readonly string[];
}

/** Where CloudFront serves records' images from the images bucket (their keys start with `images/`). */
export const IMAGES_PATH_PATTERN = '/images/*';
/** An original waits in the uploads bucket no longer than this, processed or not. */
export const UPLOAD_RETENTION = Duration.days(1);

export class HeraldSite extends Construct {
  readonly distribution: Distribution;
  readonly siteBucket: IBucket;
  readonly logBucket: IBucket;
  /** Image originals as the browser uploads them (presigned PUT), deleted once processed or after a day. */
  readonly uploadsBucket: IBucket;
  /** The renditions of records' images, served at /images/. */
  readonly imagesBucket: IBucket;
  readonly deployment?: BucketDeployment;

  constructor(scope: Construct, id: string, props: HeraldSiteProps) {
    super(scope, id);
    // CloudFront standard logs are written with ACLs, so this bucket keeps them enabled (bucket owner preferred).
    const logBucket = new Bucket(this, 'LogBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
    });
    Validations.of(logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the access log bucket (site bucket server access logs and CloudFront standard logs); ' +
        'logging it into itself would log its own log deliveries without end.',
    });

    const siteBucket = new Bucket(this, 'SiteBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      serverAccessLogsBucket: logBucket,
      serverAccessLogsPrefix: 'site-bucket/',
    });

    // Images editors upload: originals land in a private bucket by a presigned PUT from the editor app (its origin
    // only), and what the ImagesApi makes of them goes to a bucket only CloudFront reads. Kept when the stack goes:
    // sent editions show them.
    const uploadsBucket = new Bucket(this, 'UploadsBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      serverAccessLogsBucket: logBucket,
      serverAccessLogsPrefix: 'uploads-bucket/',
      lifecycleRules: [{ expiration: UPLOAD_RETENTION, abortIncompleteMultipartUploadAfter: UPLOAD_RETENTION }],
      cors: [
        {
          allowedMethods: [HttpMethods.PUT],
          allowedOrigins: [...props.uploadOrigins],
          allowedHeaders: ['content-type'],
          maxAge: 3600,
        },
      ],
    });
    const imagesBucket = new Bucket(this, 'ImagesBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      serverAccessLogsBucket: logBucket,
      serverAccessLogsPrefix: 'images-bucket/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const viewerIp = new CloudFrontFunction(this, 'ViewerIp', {
      comment: 'Herald: the reader address in true-client-ip, for the API',
      code: FunctionCode.fromInline(VIEWER_IP_CODE),
      runtime: FunctionRuntime.JS_2_0,
    });
    const directoryIndex = new CloudFrontFunction(this, 'DirectoryIndex', {
      comment: 'Herald: /dir/ serves /dir/index.html, /dir redirects to /dir/',
      code: FunctionCode.fromInline(DIRECTORY_INDEX_CODE),
      runtime: FunctionRuntime.JS_2_0,
    });

    // The security headers of the local server and the API's router (contracts/headers.ts), plus HSTS. The bucket's
    // files get the web apps' policy; the API sets the page policy on its HTML itself, so CloudFront's is a default.
    const securityHeaders = (id: string, contentSecurityPolicy: string, overrideCsp: boolean) =>
      new ResponseHeadersPolicy(this, id, {
        comment: `Herald: security headers (${id})`,
        securityHeadersBehavior: {
          contentSecurityPolicy: { contentSecurityPolicy, override: overrideCsp },
          contentTypeOptions: { override: true },
          frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
          referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
          strictTransportSecurity: { accessControlMaxAge: Duration.days(365), override: true },
        },
      });
    const webHeaders = securityHeaders(
      'WebAppHeaders',
      webAppCsp(props.webConfig.authDomainUrl, `https://${uploadsBucket.bucketRegionalDomainName}`),
      true,
    );
    const apiHeaders = securityHeaders('ApiHeaders', PAGE_CSP, false);

    // The $default stage is mapped to the domain's root: CloudFront forwards the viewer's path as it is.
    const apiOrigin = new HttpOrigin(props.api.domainName, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [OriginSslPolicy.TLS_V1_2],
      customHeaders: props.api.headers,
    });
    const apiBehavior: BehaviorOptions = {
      origin: apiOrigin,
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      // Every viewer header (Authorization included, since nothing is cached; true-client-ip, set by the function
      // below), cookie and query string, but Host: API Gateway routes by its own host name.
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      functionAssociations: [{ function: viewerIp, eventType: FunctionEventType.VIEWER_REQUEST }],
      responseHeadersPolicy: apiHeaders,
    };
    // The archive costs the function a page of up to 300 KB: CloudFront keeps each answer as long as its
    // Cache-Control says (`public, max-age=...`; errors and every other answer say `no-store`, and one without the
    // header is not kept). The cache key is the path alone and nothing of the viewer reaches the origin (no query,
    // header or cookie), so a query cannot bust the cache and no reader's request can make the page personal.
    const archiveCache = new CachePolicy(this, 'ArchiveCache', {
      comment: 'Herald: the public archive, kept as long as its Cache-Control says',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(0),
      maxTtl: ARCHIVE_MAX_TTL,
      queryStringBehavior: CacheQueryStringBehavior.none(),
      headerBehavior: CacheHeaderBehavior.none(),
      cookieBehavior: CacheCookieBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    const archiveBehavior: BehaviorOptions = {
      origin: apiOrigin,
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: archiveCache,
      responseHeadersPolicy: apiHeaders,
    };
    // The notices are kept the same way, keyed on their `lang` parameter too (the only one that reaches the function;
    // without it the function answers in the reader's language and says `no-store`).
    const noticeCache = new CachePolicy(this, 'NoticeCache', {
      comment: 'Herald: the privacy notice and accessibility statement, per language, as long as Cache-Control says',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(0),
      maxTtl: ARCHIVE_MAX_TTL,
      queryStringBehavior: CacheQueryStringBehavior.allowList('lang'),
      headerBehavior: CacheHeaderBehavior.none(),
      cookieBehavior: CacheCookieBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    const noticeBehavior: BehaviorOptions = { ...archiveBehavior, cachePolicy: noticeCache };
    const behaviorOf = (pattern: string) =>
      pattern === ARCHIVE_PATH_PATTERN
        ? archiveBehavior
        : (NOTICE_PATH_PATTERNS as readonly string[]).includes(pattern)
          ? noticeBehavior
          : apiBehavior;

    const certificate = props.customDomain
      ? Certificate.fromCertificateArn(this, 'Certificate', props.customDomain.certificateArn)
      : undefined;
    const distribution = new Distribution(this, 'Distribution', {
      comment: 'Herald: web app and HTTP API',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(siteBucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: webHeaders,
        functionAssociations: [{ function: directoryIndex, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        ...Object.fromEntries(API_PATH_PATTERNS.map((pattern) => [pattern, behaviorOf(pattern)])),
        // A rendition's name changes with its content: cached as long as its Cache-Control (a year) says.
        [IMAGES_PATH_PATTERN]: {
          origin: S3BucketOrigin.withOriginAccessControl(imagesBucket),
          viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
          cachePolicy: CachePolicy.CACHING_OPTIMIZED,
          responseHeadersPolicy: apiHeaders,
        },
      },
      httpVersion: HttpVersion.HTTP2_AND_3,
      // North America and Europe edge locations: the readers are in Europe.
      priceClass: PriceClass.PRICE_CLASS_100,
      ...(props.customDomain && {
        domainNames: [props.customDomain.domainName],
        certificate,
        minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
      }),
      enableLogging: true,
      logBucket,
      logFilePrefix: 'cloudfront/',
    });
    if (!props.customDomain) {
      Validations.of(distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'No custom domain yet: the default *.cloudfront.net certificate allows TLSv1 whatever the minimum ' +
          'protocol says. Set herald:domainName and herald:certificateArn (ACM, us-east-1) to get TLSv1.2_2021.',
      });
    }
    Validations.of(distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'No geo restriction: the archive, subscription and unsubscribe pages are for readers in any country, ' +
        'and the editor is protected by Cognito, not by location.',
    });
    Validations.of(distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'No WAF web ACL (a monthly charge per ACL and rule, and it must live in us-east-1): the HTTP API stage ' +
        'throttles every route, editor routes need a Cognito JWT, and the bucket serves static files only.',
    });

    if (hasFiles(props.webDir)) {
      this.deployment = this.deploy(siteBucket, distribution, props);
    } else {
      Annotations.of(this).addWarningV2(
        'herald:web-missing',
        `${props.webDir} is missing or empty: the site bucket is created but nothing is deployed to it. ` +
          'Add the web app and deploy again.',
      );
    }

    this.distribution = distribution;
    this.siteBucket = siteBucket;
    this.logBucket = logBucket;
    this.uploadsBucket = uploadsBucket;
    this.imagesBucket = imagesBucket;
  }

  /** Uploads the web folder and the sign-in settings, deletes what is gone, and invalidates CloudFront's cache. */
  private deploy(siteBucket: IBucket, distribution: Distribution, props: HeraldSiteProps): BucketDeployment {
    // Our own role and log group instead of the AWSLambdaBasicExecutionRole managed policy on a shared role.
    const role = new Role(this, 'DeploymentRole', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    const logGroup = new LogGroup(this, 'DeploymentLogs', { retention: RetentionDays.THREE_MONTHS });
    logGroup.grantWrite(role);
    const deployment = new BucketDeployment(this, 'Deployment', {
      sources: [
        Source.asset(props.webDir),
        Source.jsonData(WEB_CONFIG_KEY, props.webConfig),
        ...Object.entries(WEB_VENDOR_FILES).map(([key, file]) => Source.data(key, readFileSync(file, 'utf8'))),
        // Images are binary: staged as a folder of their keys, which CDK uploads as one asset.
        ...(props.assets && Object.keys(props.assets).length > 0 ? [Source.asset(stageFiles(props.assets))] : []),
      ],
      destinationBucket: siteBucket,
      distribution,
      distributionPaths: ['/*'],
      role,
      logGroup,
      memoryLimit: 512,
      // The custom resource's response would list every key: past a few hundred files it outgrows CloudFormation's 4 KB.
      outputObjectKeys: false,
    });
    Aspects.of(role).add(new AcknowledgeDeploymentGrants(siteBucket), { priority: AspectPriority.READONLY });
    // The handler is a singleton at the stack's root, named after its settings (`Custom::CDKBucketDeployment<uuid><memory>`).
    const handler = Stack.of(this).node.children.find((child) =>
      child.node.id.startsWith('Custom::CDKBucketDeployment'),
    );
    if (handler) {
      Validations.of(handler).acknowledge({
        id: 'AwsSolutions-L1',
        reason:
          "The BucketDeployment handler is CDK's own Python function (AWS CLI layer included): aws-cdk-lib " +
          'chooses its runtime, which moves with aws-cdk-lib upgrades.',
      });
    }
    return deployment;
  }
}

/**
 * Copies files into a folder at their keys, named after what it holds, so a synth of the same files stages nothing
 * again and the asset's hash is the same.
 */
function stageFiles(files: Readonly<Record<string, string>>): string {
  const keys = Object.keys(files).sort();
  const hash = createHash('sha256');
  for (const key of keys) hash.update(key).update('\0').update(readFileSync(files[key]!)).update('\0');
  const dir = join(tmpdir(), `herald-site-assets-${hash.digest('hex').slice(0, 20)}`);
  if (!existsSync(dir)) {
    // Written aside and renamed into place: a synth stopped halfway leaves no folder that looks complete, and of two
    // synths at once (the tests), the second finds the first's folder in place and drops its own.
    const partial = mkdtempSync(`${dir}.`);
    for (const key of keys) {
      mkdirSync(dirname(join(partial, key)), { recursive: true });
      copyFileSync(files[key]!, join(partial, key));
    }
    try {
      renameSync(partial, dir);
    } catch (error) {
      rmSync(partial, { recursive: true, force: true });
      if (!existsSync(dir)) throw error;
    }
  }
  return dir;
}

function hasFiles(dir: string): boolean {
  return existsSync(dir) && readdirSync(dir).some((name) => !name.startsWith('.'));
}

/**
 * Acknowledges, one by one, the wildcards that BucketDeployment's own grants put in its role's policy, and
 * nothing else: a wildcard it does not recognise stays a cdk-nag error. Run as an aspect, once every grant is in.
 */
class AcknowledgeDeploymentGrants implements IAspect {
  constructor(private readonly siteBucket: IBucket) {}

  visit(node: IConstruct): void {
    if (!(node instanceof CfnPolicy)) return;
    const stack = Stack.of(node);
    const siteObjects = `Resource::<${stack.getLogicalId(this.siteBucket.node.defaultChild as CfnElement)}.Arn>/*`;
    const statements = (stack.resolve(node.policyDocument) as { Statement: PolicyStatementJson[] }).Statement;
    const findings = rules.iam.IAMNoWildcardPermissions(node);
    for (const finding of Array.isArray(findings) ? findings : []) {
      const reason = deploymentGrantReason(finding, siteObjects, statements);
      if (reason) Validations.of(node).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
    }
  }
}

interface PolicyStatementJson {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

function deploymentGrantReason(finding: string, siteObjects: string, statements: PolicyStatementJson[]) {
  const action = /^Action::(s3:(?:GetObject|GetBucket|List|DeleteObject|Abort)\*)$/.exec(finding)?.[1];
  if (action) {
    return (
      `${action} comes from the s3 grants of BucketDeployment (CDK): it syncs the web folder into the site ` +
      'bucket, so it reads the staged asset, lists and reads the bucket and deletes what is no longer there.'
    );
  }
  if (finding === siteObjects) {
    return 'Every object of the site bucket: the deployment replaces and prunes the whole web app.';
  }
  if (/^Resource::arn:(?:aws[a-z-]*|<AWS::Partition>):s3:::cdk-[a-z0-9]+-assets-[^/]+\/\*$/.test(finding)) {
    return (
      "Objects of the CDK bootstrap assets bucket: the staged web folder's key changes with every change " +
      'of its content, and the bucket holds deployment artifacts only.'
    );
  }
  // `*` is acceptable for CloudFront invalidations alone, which support no resource-level scoping here.
  const starActions = statements
    .filter((statement) => statement.Effect === 'Allow' && [statement.Resource].flat().includes('*'))
    .flatMap((statement) => [statement.Action].flat());
  if (finding === 'Resource::*' && starActions.every((a) => a.startsWith('cloudfront:'))) {
    return (
      `${starActions.join(', ')} on *: BucketDeployment (CDK) invalidates the distribution after an upload ` +
      'and its grant names no distribution.'
    );
  }
  return undefined;
}
