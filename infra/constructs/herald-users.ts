// Herald's users: the Cognito user pool of editors, coordinators and admins, its groups and the web app's client.
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  UserPoolDomain,
  UserPoolGroup,
  VerificationEmailStyle,
  type IUserPool,
  type IUserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/** The Cognito groups, found in the `cognito:groups` claim of ID and access tokens. */
export const USER_GROUPS = {
  admin: 'Manages users, groups and settings',
  coordinator: 'Edits and reports on the content of their region (custom:region)',
  editor: 'Writes content and composes, tests and sends issues',
} as const;
export type UserGroup = keyof typeof USER_GROUPS;

/** The custom attribute holding a coordinator's region; in tokens as `custom:region`. */
export const REGION_ATTRIBUTE = 'region';

/**
 * The web apps' pages that the hosted UI sends users back to after sign-in and sign-out: the editor app and the
 * coordinators' dashboard (SIGN_IN_PATHS in web/editor/auth.js; a test keeps the two equal).
 */
export const WEB_SIGN_IN_PATHS = { editor: '/editor/', dashboard: '/dashboard/' } as const;

export interface HeraldUsersProps {
  /** The project's short name, as the invitation email names the newsletter. */
  readonly projectName: string;
  /** Base URL of the web app: the OAuth callback and sign-out URLs are `<publicUrl>/editor/` and `<publicUrl>/dashboard/`. */
  readonly publicUrl: string;
  /** Prefix of a Cognito-hosted domain (`<prefix>.auth.<region>.amazoncognito.com`) for the OAuth sign-in. */
  readonly authDomainPrefix?: string;
}

export class HeraldUsers extends Construct {
  readonly userPool: IUserPool;
  readonly webClient: IUserPoolClient;
  /** The Cognito-hosted domain's base URL, when `authDomainPrefix` is set. */
  readonly authDomainUrl?: string;

  constructor(scope: Construct, id: string, props: HeraldUsersProps) {
    super(scope, id);
    const editorUrl = `${props.publicUrl}${WEB_SIGN_IN_PATHS.editor}`;
    const dashboardUrl = `${props.publicUrl}${WEB_SIGN_IN_PATHS.dashboard}`;

    const pool = new UserPool(this, 'UserPool', {
      // Users are invited by an admin (AdminCreateUser); nobody signs up on their own.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true }, fullname: { required: false, mutable: true } },
      customAttributes: {
        [REGION_ATTRIBUTE]: new StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Plus: threat protection blocks sign-ins with compromised credentials and challenges risky ones.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      userInvitation: {
        emailSubject: 'Your Herald account',
        emailBody:
          `You have been invited to Herald, the ${props.projectName} newsletter editor. Sign in at ${editorUrl} ` +
          `(coordinators: the dashboard, ${dashboardUrl}) with the user name {username} and the temporary ` +
          'password {####}; you will choose your own password.',
      },
      userVerification: { emailStyle: VerificationEmailStyle.CODE },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(pool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is optional by decision of issue #3: every user can enrol a TOTP app, and Plus-tier threat ' +
        'protection (ENFORCED) blocks compromised passwords and challenges risky sign-ins; requiring MFA ' +
        'would lock out occasional regional coordinators without an authenticator app.',
    });

    for (const [name, description] of Object.entries(USER_GROUPS)) {
      new UserPoolGroup(this, `${name[0]!.toUpperCase()}${name.slice(1)}Group`, {
        userPool: pool,
        groupName: name,
        description,
      });
    }

    const client = pool.addClient('WebClient', {
      // A browser app keeps no secret: SRP sign-in, or the authorization code grant with PKCE.
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [editorUrl, dashboardUrl],
        logoutUrls: [editorUrl, dashboardUrl],
      },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      readAttributes: new ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
        .withCustomAttributes(REGION_ATTRIBUTE),
      // Only an admin sets custom:region (it scopes a coordinator's rights): users may change their name only.
      writeAttributes: new ClientAttributes().withStandardAttributes({ fullname: true }),
    });

    if (props.authDomainPrefix) {
      const domain = new UserPoolDomain(this, 'AuthDomain', {
        userPool: pool,
        cognitoDomain: { domainPrefix: props.authDomainPrefix },
      });
      this.authDomainUrl = domain.baseUrl();
    }

    this.userPool = pool;
    this.webClient = client;
  }
}
