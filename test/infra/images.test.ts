// Infra tests of records' images: the uploads and images buckets, CloudFront's /images/ path, and the ImagesApi
// with sharp's native library copied into its bundle from node_modules.
import { Match, type Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMAGES_PATH_PATTERN } from '../../infra/constructs/herald-site.ts';
import { installedPackages } from '../../infra/constructs/herald-function.ts';
import { logicalId, removeAssemblies, synthHerald } from './herald-app.ts';

let herald: ReturnType<typeof synthHerald>;
let template: Template;
const site = (id: string) => logicalId(herald.stateless.node.findChild('Site').node.findChild(id) as IConstruct);
const resource = (id: string) => template.toJSON().Resources[id];

beforeAll(() => {
  herald = synthHerald();
  template = herald.statelessTemplate;
});
afterAll(() => removeAssemblies());

describe('image buckets', () => {
  it('keeps originals in a private, encrypted bucket for a day, writable by PUT from the site only', () => {
    expect(resource(site('UploadsBucket')).Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      LifecycleConfiguration: {
        Rules: [{ ExpirationInDays: 1, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' }],
      },
      CorsConfiguration: {
        CorsRules: [
          {
            AllowedMethods: ['PUT'],
            AllowedOrigins: ['https://newsletter.secon.example'],
            AllowedHeaders: ['content-type'],
            MaxAge: 3600,
          },
        ],
      },
      LoggingConfiguration: { LogFilePrefix: 'uploads-bucket/' },
    });
  });

  it('keeps renditions in a private bucket that outlives the stack, read by CloudFront alone at /images/*', () => {
    const images = resource(site('ImagesBucket'));
    expect(images.DeletionPolicy).toBe('Retain');
    expect(images.Properties).toMatchObject({ LoggingConfiguration: { LogFilePrefix: 'images-bucket/' } });
    expect(images.Properties.CorsConfiguration).toBeUndefined();
    const distribution = Object.values(template.findResources('AWS::CloudFront::Distribution'))[0]!;
    const config = distribution.Properties.DistributionConfig;
    const behavior = config.CacheBehaviors.find((b: { PathPattern: string }) => b.PathPattern === IMAGES_PATH_PATTERN);
    expect(behavior).toMatchObject({ AllowedMethods: ['GET', 'HEAD'], ViewerProtocolPolicy: 'redirect-to-https' });
    const origin = config.Origins.find((o: { Id: string }) => o.Id === behavior.TargetOriginId);
    expect(origin.DomainName).toEqual({ 'Fn::GetAtt': [site('ImagesBucket'), 'RegionalDomainName'] });
    expect(origin.OriginAccessControlId).toBeDefined();
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: site('ImagesBucket') },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 's3:GetObject',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [site('ImagesBucket'), 'Arn'] }, '/*']] },
          }),
        ]),
      },
    });
  });
});

describe('the ImagesApi', () => {
  const imagesApi = () => resource(logicalId(herald.stateless.node.findChild('ImagesApi')));

  it('names both buckets and may presign, read and delete originals and write renditions under images/ only', () => {
    expect(imagesApi().Properties.Environment.Variables).toMatchObject({
      UPLOADS_BUCKET: { Ref: site('UploadsBucket') },
      IMAGES_BUCKET: { Ref: site('ImagesBucket') },
    });
    const role = logicalId(herald.stateless.node.findChild('ImagesApiRole'));
    const statements = Object.values(
      template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: role }] } }),
    ).flatMap((policy) => policy.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[]);
    const s3 = statements.filter((s) => JSON.stringify(s.Action).includes('s3:'));
    expect(s3).toEqual([
      expect.objectContaining({
        Action: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'],
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [site('UploadsBucket'), 'Arn'] }, '/*']] },
      }),
      expect.objectContaining({
        Action: 's3:PutObject',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [site('ImagesBucket'), 'Arn'] }, '/images/*']] },
      }),
    ]);
    // No other function may touch the image buckets.
    const others = JSON.stringify(
      Object.values(template.findResources('AWS::IAM::Policy')).filter(
        (policy) => !JSON.stringify(policy.Properties.Roles).includes(role),
      ),
    );
    expect(others).not.toContain(site('UploadsBucket'));
    expect(others).not.toContain(site('ImagesBucket'));
  });

  it("bundles sharp from node_modules with its dependencies and this host's linux binaries", () => {
    const packages = installedPackages(['sharp']);
    expect(packages).toEqual(expect.arrayContaining(['sharp', 'detect-libc', 'semver', '@img/colour']));
    expect(packages).toEqual(expect.arrayContaining(['@img/sharp-linux-x64', '@img/sharp-libvips-linux-x64']));
    expect(() => installedPackages(['no-such-package-herald'])).toThrow(/not installed in node_modules/);
  });
});
