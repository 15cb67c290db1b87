// Unit tests of the secrets read from Secrets Manager (Powertools Parameters): a failed read is not kept, a value
// read is kept for its max age, then read again.
import type { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClients, SECRET_MAX_AGE_SECONDS, secretValue, tokenKey } from '../../functions/wiring/clients.ts';

const TOKEN_SECRET = { arn: 'arn:aws:secretsmanager:eu-central-1:1:secret:token' };

/** Clients whose Secrets Manager answers each read with the next of `answers` (an error or the secret's text). */
function clientsAnswering(answers: (string | Error)[]) {
  const clients = createClients();
  const reads: string[] = [];
  vi.spyOn(clients.secrets.client, 'send').mockImplementation(async (command) => {
    reads.push(String((command as GetSecretValueCommand).input.SecretId));
    const answer = answers[reads.length - 1] ?? answers.at(-1)!;
    if (answer instanceof Error) throw answer;
    return { SecretString: answer };
  });
  return { clients, reads };
}

afterEach(() => vi.useRealTimers());

describe('secrets read from Secrets Manager', () => {
  it('reads the link-signing key again after a failed read, then keeps it', async () => {
    const key = 'a-link-signing-key-of-at-least-32-chars';
    const { clients, reads } = clientsAnswering([new Error('InternalServiceError: try again'), key]);

    await expect(tokenKey(TOKEN_SECRET, clients)).rejects.toThrow('try again');
    await expect(tokenKey(TOKEN_SECRET, clients)).resolves.toEqual(Buffer.from(key));
    await expect(tokenKey(TOKEN_SECRET, clients)).resolves.toEqual(Buffer.from(key));
    expect(reads).toEqual([TOKEN_SECRET.arn, TOKEN_SECRET.arn]);
  });

  it('reads a secret again once its max age has passed', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { clients, reads } = clientsAnswering(['first-edge-value', 'rotated-edge-value']);
    const edge = { arn: 'arn:aws:secretsmanager:eu-central-1:1:secret:edge' };

    expect(await secretValue(edge, clients, 'edge secret')).toBe('first-edge-value');
    vi.advanceTimersByTime((SECRET_MAX_AGE_SECONDS - 1) * 1000);
    expect(await secretValue(edge, clients, 'edge secret')).toBe('first-edge-value');
    vi.advanceTimersByTime(2000);
    expect(await secretValue(edge, clients, 'edge secret')).toBe('rotated-edge-value');
    expect(reads).toHaveLength(2);
  });

  it('names the secret that is empty', async () => {
    const { clients } = clientsAnswering(['']);
    await expect(tokenKey(TOKEN_SECRET, clients)).rejects.toThrow('the token secret is empty');
  });
});
