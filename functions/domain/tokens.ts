// Signed tokens in links: a confirmation (expires), a subscriber's manage token (unsubscribe, preferences), or
// a recipient's tracking token (the open pixel and click links of one issue's email).
// The HMAC key is injected; nothing in a token is secret, only unforgeable.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type TokenPurpose = 'confirm' | 'manage' | 'track';

export interface TokenClaims {
  purpose: TokenPurpose;
  subscriberId: string;
  /** Seconds since the epoch after which the token is refused. */
  expiresAt?: number;
  /** The issue whose email carried the link, for attributing an unsubscribe. */
  issueId?: string;
}

export type TokenCheck = { ok: true; claims: TokenClaims } | { ok: false; reason: 'invalid' | 'expired' };

const PURPOSE_CODES: Record<TokenPurpose, string> = { confirm: 'c', manage: 'm', track: 't' };

export function createTokens(key: Uint8Array) {
  const mac = (body: string) => createHmac('sha256', key).update(body).digest('base64url');
  return {
    sign(claims: TokenClaims): string {
      const body = Buffer.from(
        JSON.stringify({
          p: PURPOSE_CODES[claims.purpose],
          s: claims.subscriberId,
          ...(claims.expiresAt !== undefined && { x: claims.expiresAt }),
          ...(claims.issueId !== undefined && { i: claims.issueId }),
        }),
      ).toString('base64url');
      return `${body}.${mac(body)}`;
    },
    verify(token: string, purpose: TokenPurpose, now: Date): TokenCheck {
      const [body, signature, extra] = token.split('.');
      if (!body || !signature || extra !== undefined || token.length > 1000) return { ok: false, reason: 'invalid' };
      const expected = Buffer.from(mac(body));
      const given = Buffer.from(signature);
      if (expected.length !== given.length || !timingSafeEqual(expected, given))
        return { ok: false, reason: 'invalid' };
      let raw: { p?: unknown; s?: unknown; x?: unknown; i?: unknown };
      try {
        raw = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      } catch {
        return { ok: false, reason: 'invalid' };
      }
      if (raw.p !== PURPOSE_CODES[purpose] || typeof raw.s !== 'string') return { ok: false, reason: 'invalid' };
      if (typeof raw.x === 'number' && raw.x * 1000 < now.getTime()) return { ok: false, reason: 'expired' };
      return {
        ok: true,
        claims: {
          purpose,
          subscriberId: raw.s,
          ...(typeof raw.x === 'number' && { expiresAt: raw.x }),
          ...(typeof raw.i === 'string' && { issueId: raw.i }),
        },
      };
    },
  };
}
export type Tokens = ReturnType<typeof createTokens>;
