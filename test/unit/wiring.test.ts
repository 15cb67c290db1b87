// Unit tests of the composition root: a function is given only the settings it uses, and a port it lacks fails
// when used, naming the missing setting, never at start.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../functions/domain/errors.ts';
import { loadConfig } from '../../functions/wiring/config.ts';
import { createClients } from '../../functions/wiring/clients.ts';
import { createServices } from '../../functions/wiring/services.ts';
import { FUNCTION_ENV, TEST_TOKEN_SECRET } from '../support/function-env.ts';

/** The PublicApi's settings in AWS: no content table, no queue, no scheduler (and here the key itself). */
const { CONTENT_TABLE: _content, ...PUBLIC_API_TABLES } = FUNCTION_ENV;
const PUBLIC_API_ENV = { ...PUBLIC_API_TABLES, HERALD_TOKEN_SECRET: TEST_TOKEN_SECRET };

describe('settings a function is not given', () => {
  it('starts the public API without the content table, and fails only a use of content, naming CONTENT_TABLE', async () => {
    const services = await createServices(loadConfig(PUBLIC_API_ENV), createClients());
    await expect(async () => services.content.list('highlight')).rejects.toThrow(
      new ConfigError('this function is not given the content table (CONTENT_TABLE)'),
    );
    await expect(async () => services.fanOut.enqueue([])).rejects.toThrow(/FAN_OUT_QUEUE_URL/);
    await expect(async () => services.scheduler.schedule('issue-1', new Date())).rejects.toThrow(/SCHEDULE_GROUP/);
  });

  it('starts the editor API without the link-signing key, which it never uses', async () => {
    const { HERALD_TOKEN_SECRET: _key, DELIVERIES_TABLE: _deliveries, ...env } = PUBLIC_API_ENV;
    const services = await createServices(loadConfig({ ...env, CONTENT_TABLE: 'content' }), createClients());
    expect(() => services.tokens.sign({ purpose: 'manage', subscriberId: 's-1' })).toThrow(/HERALD_TOKEN_SECRET/);
    expect(() => services.deliveries.get('issue-1', 's-1')).toThrow(/DELIVERIES_TABLE/);
  });

  it('starts a function that sends no mail without the sender settings', async () => {
    const { HERALD_FROM_ADDRESS: _from, SES_CONFIGURATION_SET: _set, ...env } = PUBLIC_API_ENV;
    const services = await createServices(loadConfig(env), createClients());
    await expect(async () => services.mailer.sendBulk({} as never, [])).rejects.toThrow(/HERALD_FROM_ADDRESS/);
  });

  it('refuses a sender without its configuration set, naming it', () => {
    const { SES_CONFIGURATION_SET: _set, ...env } = PUBLIC_API_ENV;
    expect(() => loadConfig(env)).toThrow(/SES_CONFIGURATION_SET/);
  });

  it('can be returned from an async function: a port it lacks is no thenable', async () => {
    const services = await createServices(loadConfig(PUBLIC_API_ENV), createClients());
    const content = await (async () => services.content)();
    expect(content).toBe(services.content);
  });
});
