// The embedded stack's stand-in for API Gateway's JWT authorizer with Cognito: demo users get signed
// tokens carrying Cognito's claims, and a request's valid token becomes `requestContext.authorizer.jwt`.
import { timingSafeEqual } from 'node:crypto';
import { keyIn } from './secrets.ts';
import { SignJWT, jwtVerify, type JWTPayload } from 'jose';

export interface DemoUser {
  sub: string;
  email: string;
  groups: ('editor' | 'coordinator' | 'admin')[];
  region?: string;
}

/** The demo editor and coordinator, at the domain of the project's sender; the coordinator follows `region`. */
export function demoUsers(domain: string, region: string) {
  return {
    editor: { sub: 'demo-editor', email: `editor@${domain}`, groups: ['editor'] },
    coordinator: { sub: 'demo-coordinator', email: `coordinator@${domain}`, groups: ['coordinator'], region },
  } satisfies Record<string, DemoUser>;
}

const ISSUER = 'herald-local';
const AUDIENCE = 'herald-web';
const TOKEN_LIFETIME = '30d';
const ADMIN_CLAIMS = { sub: 'admin', 'cognito:groups': ['admin'] };

export type Claims = JWTPayload & Record<string, unknown>;

export function createLocalAuthorizer(dataDir: string, adminToken: string) {
  // The key lives in the data directory, so tokens stay valid across restarts of the same stack.
  const key = Buffer.from(keyIn(dataDir, 'signing-key'), 'hex');
  const admin = Buffer.from(adminToken);
  return {
    issue(user: DemoUser): Promise<string> {
      return new SignJWT({
        email: user.email,
        'cognito:groups': user.groups,
        ...(user.region && { 'custom:region': user.region }),
        token_use: 'id',
      })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(user.sub)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(TOKEN_LIFETIME)
        .sign(key);
    },
    /** The claims of a valid token, or undefined: API Gateway would answer 401 before the function. */
    async claims(token: string): Promise<Claims | undefined> {
      const given = Buffer.from(token);
      if (given.length === admin.length && timingSafeEqual(given, admin)) return ADMIN_CLAIMS;
      try {
        // A token without `exp` would never expire: Cognito always sets it, so one without it is refused.
        const { payload } = await jwtVerify(token, key, {
          issuer: ISSUER,
          audience: AUDIENCE,
          algorithms: ['HS256'],
          requiredClaims: ['exp'],
        });
        return payload as Claims;
      } catch {
        return undefined;
      }
    },
  };
}
export type LocalAuthorizer = ReturnType<typeof createLocalAuthorizer>;
