// Signed tokens in links: a confirmation (expires), a subscriber's manage token (unsubscribe, preferences), or
// a recipient's tracking token (the open pixel and click links of one issue's email); and keyed pseudonyms,
// so that stored rate-limit keys name no IP address or email address.
// The HMAC key is injected; nothing in a token is secret, only unforgeable.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from './ports.ts';

export type TokenPurpose = 'confirm' | 'manage' | 'track';

export interface TokenClaims {
  purpose: TokenPurpose;
  subscriberId: string;
  /** Seconds since the epoch after which the token is refused. */
  expiresAt?: number;
  /** The issue whose email carried the link, for attributing an unsubscribe. */
  issueId?: string;
  /**
   * Milliseconds since the epoch when the token was signed (set by `sign` from the clock). A subscriber's id
   * comes from their address, so it survives an erasure and a new signup: the issue time tells a link of the
   * record's current life (issued at or after its `createdAt`) from one of an erased life.
   */
  issuedAt?: number;
}

export type TokenCheck = { ok: true; claims: TokenClaims } | { ok: false; reason: 'invalid' | 'expired' };

const PURPOSE_CODES: Record<TokenPurpose, string> = { confirm: 'c', manage: 'm', track: 't' };

/** Without a clock, tokens carry no issue time, and subscriber links refuse them (fail closed). */
export function createTokens(key: Uint8Array, clock?: Clock) {
  const mac = (body: string) => createHmac('sha256', key).update(body).digest('base64url');
  // A key of its own for pseudonyms, so that no pseudonym is ever a valid token signature.
  const pseudonymKey = createHmac('sha256', key).update('herald:pseudonym').digest();
  return {
    sign(claims: Omit<TokenClaims, 'issuedAt'>): string {
      const body = Buffer.from(
        JSON.stringify({
          p: PURPOSE_CODES[claims.purpose],
          s: claims.subscriberId,
          ...(claims.expiresAt !== undefined && { x: claims.expiresAt }),
          ...(claims.issueId !== undefined && { i: claims.issueId }),
          ...(clock && { t: clock.now().getTime() }),
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
      let raw: { p?: unknown; s?: unknown; x?: unknown; i?: unknown; t?: unknown };
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
          ...(typeof raw.t === 'number' && { issuedAt: raw.t }),
        },
      };
    },
    /** A keyed hash of `value`: the same value gives the same pseudonym, and nobody without the key can reverse it. */
    pseudonym(value: string): string {
      return createHmac('sha256', pseudonymKey).update(value).digest('base64url').slice(0, 32);
    },
  };
}
export type Tokens = ReturnType<typeof createTokens>;

/** A subscriber's manage token (unsubscribe, preferences); `issueId` attributes an unsubscribe to an issue. */
export function manageToken(tokens: Tokens, subscriberId: string, issueId?: string): string {
  return tokens.sign({ purpose: 'manage', subscriberId, ...(issueId && { issueId }) });
}

/** A recipient's own links in an issue's email: unsubscribe (attributed to the issue) and preferences. */
export function recipientLinks(deps: { tokens: Tokens; publicUrl: string }, subscriberId: string, issueId?: string) {
  const token = manageToken(deps.tokens, subscriberId, issueId);
  return {
    unsubscribeUrl: `${deps.publicUrl}/unsubscribe/${token}`,
    preferencesUrl: `${deps.publicUrl}/preferences/${token}`,
  };
}
