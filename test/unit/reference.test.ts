// GET /api/reference: the web apps' one source of languages, countries, regions and topics, served from the domain's.
import { describe, expect, it } from 'vitest';
import { createApiHandler } from '../../functions/handlers/api.ts';
import type { HttpEvent } from '../../functions/handlers/http.ts';
import { OTHER_REGION } from '../../functions/domain/reference.ts';
import type { Services } from '../../functions/wiring/services.ts';
import baseEvent from '../fixtures/apigw-http-v2-event.json' with { type: 'json' };
import { LANGUAGES, riverwise, secon, SOURCE_LANGUAGE, TOPICS } from '../support/profile.ts';

/** The countries as the code once held them: name, home language and partner regions by code. */
const COUNTRIES = Object.fromEntries(
  secon.profile.countries.map((c) => [
    c.code,
    { name: secon.countryName(c.code), language: c.language, regions: c.regions.map((r) => r.name) },
  ]),
);

/** The route reads no store but the reference: services it never touches. */
const apiOf = (reference = secon) => createApiHandler({ reference } as Services, 'editor');
const api = apiOf();

const get = (groups?: string, handler = api) =>
  handler({
    ...baseEvent,
    rawPath: '/api/reference',
    requestContext: {
      ...baseEvent.requestContext,
      http: { ...baseEvent.requestContext.http, method: 'GET', path: '/api/reference' },
      ...(groups && {
        authorizer: {
          principalId: '',
          integrationLatency: 0,
          jwt: { claims: { sub: 'u1', 'cognito:groups': groups }, scopes: [] },
        },
      }),
    },
  } as HttpEvent);

describe('GET /api/reference', () => {
  it('gives an editor the languages with their English names, the countries with their regions and the topics', async () => {
    const response = await get('[editor]');
    expect(response.statusCode).toBe(200);
    const data = JSON.parse(String(response.body));
    expect(data.sourceLanguage).toBe(SOURCE_LANGUAGE);
    expect(data.languages.map((l: { code: string }) => l.code)).toEqual(LANGUAGES);
    expect(data.languages).toContainEqual({ code: 'el', name: 'Greek' });
    expect(data.languages).toContainEqual({ code: 'lv', name: 'Latvian' });
    expect(data.countries).toHaveLength(Object.keys(COUNTRIES).length);
    expect(data.countries).toContainEqual({ code: 'BG', name: 'Bulgaria', language: 'bg', regions: ['Haskovo'] });
    expect(Object.fromEntries(data.countries.map(({ code, ...rest }: { code: string }) => [code, rest]))).toEqual(
      COUNTRIES,
    );
    expect(data.otherRegion).toBe(OTHER_REGION);
    expect(data.topics).toEqual(TOPICS);
  });

  it("gives another project's languages, countries, topics and name, and nothing of SECON", async () => {
    const response = await get('[editor]', apiOf(riverwise));
    const data = JSON.parse(String(response.body));
    expect(data.project).toEqual({ name: riverwise.profile.name, shortName: 'RIVERWISE' });
    expect(data.languages.map((l: { code: string }) => l.code)).toEqual(['en', 'de', 'hu', 'ro']);
    expect(data.countries.map((c: { code: string }) => c.code)).toEqual(['AT', 'SK', 'MD', 'IE']);
    expect(data.topicLabels['river-tourism']).toBe('Sustainable river tourism');
    expect(String(response.body)).not.toMatch(/secon|haskovo/i);
  });

  it('answers 401 without a token, and gives a coordinator the same data (the dashboard names the project)', async () => {
    expect((await get()).statusCode).toBe(401);
    expect((await get('[coordinator]')).statusCode).toBe(200);
  });
});
