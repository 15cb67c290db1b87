// The public routes of subscribers: the signup page and API, the confirmation link (a page with a button; the
// POST confirms), one-click unsubscribe, preferences, export and erasure. HTML forms work without JavaScript;
// JSON clients get JSON.
import * as z from 'zod';
import { CallerError } from '../domain/errors.ts';
import type { Language } from '../domain/reference.ts';
import {
  checkConfirmation,
  confirm,
  erase,
  exportData,
  publicPreferences,
  signup,
  subscriberForToken,
  unsubscribe,
  updatePreferences,
} from '../domain/subscribers.ts';
import { manageToken } from '../domain/tokens.ts';
import { count, METRIC } from '../wiring/metrics.ts';
import type { Services } from '../wiring/services.ts';
import {
  html,
  isForm,
  json,
  parseBody,
  parseForm,
  viewerIp,
  type HttpEvent,
  type Request,
  type Response,
} from './http.ts';
import type { RouteName } from '../../contracts/routes.ts';

type Handler = (request: Request) => Promise<Response>;
export type SubscriberRouteName = Extract<
  RouteName,
  | 'signupPage'
  | 'subscribe'
  | 'confirmSubscription'
  | 'confirmSubscriptionForm'
  | 'unsubscribePage'
  | 'unsubscribe'
  | 'getPreferences'
  | 'updatePreferences'
  | 'erase'
  | 'exportData'
  | 'preferencesPage'
  | 'preferencesForm'
  | 'eraseForm'
>;

const ticked = (box: string | string[]) => box === 'true' || box === 'on';

/** Form fields as the signup schema wants them: a checkbox is "true", topics may come once or repeated. */
function signupFromForm(form: Record<string, string | string[]>): Record<string, unknown> {
  const { consent, topics, tracking, ...rest } = form;
  return {
    ...rest,
    ...(consent !== undefined && { consent: ticked(consent) }),
    ...(topics !== undefined && { topics: Array.isArray(topics) ? topics : [topics] }),
    // An unticked box sends nothing: not measured.
    tracking: tracking !== undefined && ticked(tracking),
  };
}

/** Fields whose errors the pages say in the reader's language; others get the generic text. */
const LOCALIZED_ERRORS = new Set(['email', 'language', 'country', 'region', 'topics', 'consent']);
function pageError(error: CallerError) {
  const field = error.details.field?.split('.')[0];
  const code = error.code === 'rate_limited' ? 'rateLimited' : field && LOCALIZED_ERRORS.has(field) ? field : 'generic';
  return { ...(field && { field }), code };
}

const oneValue = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export function subscriberRoutes(services: Services): Record<SubscriberRouteName, Handler> {
  const { pages, reference } = services;
  const languageOf = (event: HttpEvent, query: Record<string, string | undefined>) =>
    reference.negotiateLanguage(query.lang, event.headers['accept-language']);
  const page = (
    status: number,
    name: Parameters<typeof pages.page>[0],
    language: Language,
    view: Record<string, unknown> = {},
  ) => html(status, pages.page(name, language, { language, ...view }));
  const links = (token: string) => ({
    preferencesUrl: `${services.publicUrl}/preferences/${token}`,
    preferencesActionUrl: `/preferences/${token}`,
    eraseActionUrl: `/preferences/${token}/erase`,
    exportUrl: `/api/preferences/${token}/export`,
    actionUrl: `/unsubscribe/${token}`,
  });
  /** A page route: token errors become the localized "this link is expired or invalid" page. */
  const pageRoute =
    (run: (r: Request, language: Language) => Promise<Response>): Handler =>
    async (r) => {
      const language = languageOf(r.event, r.query);
      try {
        return await run(r, language);
      } catch (error) {
        if (error instanceof CallerError && error.code.startsWith('token_')) {
          return page(error.status, 'token-error', language, {
            reason: error.code === 'token_expired' ? 'expired' : 'invalid',
            languageLinks: false,
          });
        }
        throw error;
      }
    };
  const token = (r: Request) => r.params.token ?? '';
  /** A page about a subscriber speaks their language, unless the page's language picker chose another. */
  const chosenLanguage = (r: Request, theirs: Language): Language =>
    r.query.lang && reference.isLanguage(r.query.lang) ? r.query.lang : theirs;

  return {
    signupPage: async (r) => page(200, 'signup', languageOf(r.event, r.query)),

    subscribe: async (r) => {
      // The reader's address as CloudFront saw it: behind CloudFront, the connection's is an edge server's.
      const ip = viewerIp(r.event);
      if (!isForm(r.event)) {
        await signup(services, parseBody(r.event, z.unknown()), { ip, source: 'api' });
        count(METRIC.signups);
        return json(202, { status: 'pending', message: 'check your inbox for the confirmation link' });
      }
      const form = signupFromForm(parseForm(r.event));
      const language = reference.negotiateLanguage(
        oneValue(form.language as string | undefined),
        r.event.headers['accept-language'],
      );
      try {
        await signup(services, form, { ip, source: 'signup-page' });
        count(METRIC.signups);
        return page(202, 'signup-done', language, { languageLinks: false });
      } catch (error) {
        if (!(error instanceof CallerError) || error.status >= 500) throw error;
        return page(error.status, 'signup', language, {
          values: form,
          error: pageError(error),
          languageLinks: { path: '/subscribe' },
        });
      }
    },

    // Opening the link (or a mail scanner fetching it) changes nothing: the page asks, its button confirms.
    confirmSubscription: pageRoute(async (r) => {
      const token = r.query.token ?? '';
      const { subscriber, confirmed } = await checkConfirmation(services, token);
      const languageLinks = { query: { token } };
      if (confirmed) {
        return page(200, 'confirmed', chosenLanguage(r, subscriber.language), {
          ...links(manageToken(services.tokens, subscriber.id)),
          languageLinks,
        });
      }
      const language = chosenLanguage(r, subscriber.pendingChange?.language ?? subscriber.language);
      return page(200, 'confirm', language, {
        confirmActionUrl: `/api/subscribe/confirm?${new URLSearchParams({ token })}`,
        languageLinks,
      });
    }),

    confirmSubscriptionForm: async (r) => {
      const token = r.query.token ?? '';
      if (!isForm(r.event)) {
        parseBody(r.event, z.strictObject({}));
        return json(200, publicPreferences(await confirm(services, token)));
      }
      return pageRoute(async () => {
        const subscriber = await confirm(services, token);
        return page(200, 'confirmed', chosenLanguage(r, subscriber.language), {
          ...links(subscriber.manageToken),
          languageLinks: { query: { token } },
        });
      })(r);
    },

    unsubscribePage: pageRoute(async (r) => {
      const subscriber = await subscriberForToken(services, token(r));
      return page(200, 'unsubscribe', chosenLanguage(r, subscriber.language), links(token(r)));
    }),

    unsubscribe: pageRoute(async (r) => {
      // RFC 8058: mail providers post `List-Unsubscribe=One-Click`; the page's form posts `source=page`.
      const form = isForm(r.event) ? parseForm(r.event) : {};
      const source = oneValue(form['List-Unsubscribe']) === 'One-Click' ? 'one-click' : 'page';
      const subscriber = await unsubscribe(services, token(r), source);
      return page(200, 'unsubscribed', subscriber.language, { ...links(token(r)), languageLinks: false });
    }),

    getPreferences: async (r) => json(200, publicPreferences(await subscriberForToken(services, token(r)))),
    updatePreferences: async (r) =>
      json(200, await updatePreferences(services, token(r), parseBody(r.event, z.unknown()))),
    erase: async (r) => {
      await erase(services, token(r));
      return json(204);
    },
    exportData: async (r) => ({
      ...json(200, await exportData(services, token(r))),
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'content-disposition': 'attachment; filename="herald-my-data.json"',
      },
    }),

    preferencesPage: pageRoute(async (r) => {
      const subscriber = await subscriberForToken(services, token(r));
      return page(200, 'preferences', chosenLanguage(r, subscriber.language), {
        subscriber: publicPreferences(subscriber),
        ...links(token(r)),
      });
    }),
    preferencesForm: pageRoute(async (r) => {
      const form = parseForm(r.event);
      const { topics, tracking, ...rest } = form;
      const input = {
        ...rest,
        topics: topics === undefined ? [] : Array.isArray(topics) ? topics : [topics],
        tracking: tracking !== undefined && ticked(tracking),
      };
      try {
        const updated = await updatePreferences(services, token(r), input);
        return page(200, 'preferences', updated.language, {
          subscriber: updated,
          saved: true,
          ...links(token(r)),
          languageLinks: false,
        });
      } catch (error) {
        if (!(error instanceof CallerError) || error.code.startsWith('token_') || error.status >= 500) throw error;
        const subscriber = await subscriberForToken(services, token(r));
        return page(error.status, 'preferences', subscriber.language, {
          subscriber: publicPreferences(subscriber),
          error: pageError(error),
          ...links(token(r)),
          languageLinks: false,
        });
      }
    }),
    eraseForm: pageRoute(async (r) => {
      const form = parseForm(r.event);
      const subscriber = await subscriberForToken(services, token(r));
      if (oneValue(form.confirm) !== 'yes') {
        return page(400, 'preferences', subscriber.language, {
          subscriber: publicPreferences(subscriber),
          error: { field: 'confirm', code: 'generic' },
          ...links(token(r)),
          languageLinks: false,
        });
      }
      await erase(services, token(r));
      return page(200, 'unsubscribed', subscriber.language, { erased: true, languageLinks: false });
    }),
  };
}
