// Renders an edition: Handlebars fills the MJML layout (all fixed text through i18next), MJML makes the HTML,
// html-to-text the plain-text alternative. Templates and locales are read and compiled once per process.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Handlebars from 'handlebars';
import i18next, { type TFunction } from 'i18next';
import mjml2html from 'mjml';
import { convert } from 'html-to-text';
import type { Edition, EditionRenderer } from '../domain/ports.ts';
import type { EditionView } from '../domain/edition.ts';
import { LANGUAGES } from '../domain/reference.ts';

export const ISSUE_TEMPLATE = 'issue';

export class MjmlRenderError extends Error {}

export async function createMjmlRenderer(assetsDir: string): Promise<EditionRenderer> {
  const i18n = i18next.createInstance();
  const namespaces = readdirSync(join(assetsDir, 'locales', 'en')).map((file) => basename(file, '.json'));
  await i18n.init({
    lng: 'en',
    fallbackLng: 'en',
    supportedLngs: [...LANGUAGES],
    ns: namespaces,
    defaultNS: ISSUE_TEMPLATE,
    // Handlebars escapes every `{{t ...}}` result; escaping here too would double it.
    interpolation: { escapeValue: false },
    resources: Object.fromEntries(
      LANGUAGES.map((lng) => [
        lng,
        Object.fromEntries(
          namespaces.map((ns) => [ns, JSON.parse(readFileSync(join(assetsDir, 'locales', lng, `${ns}.json`), 'utf8'))]),
        ),
      ]),
    ),
  });

  const hb = Handlebars.create();
  const partialsDir = join(assetsDir, 'templates', 'partials');
  for (const file of readdirSync(partialsDir)) {
    hb.registerPartial(basename(file, '.mjml'), readFileSync(join(partialsDir, file), 'utf8'));
  }
  hb.registerHelper('t', function (this: unknown, key: string, options: Handlebars.HelperOptions) {
    const t = options.data.root.t as TFunction;
    return t(key, options.hash);
  });
  hb.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).join(''));
  // Per-recipient values are left for SES to fill from each entry's replacement data.
  hb.registerHelper('recipient', (name: string) => `{{${name}}}`);
  hb.registerHelper('ifRecipient', function (this: unknown, name: string, options: Handlebars.HelperOptions) {
    return new hb.SafeString(`{{#if ${name}}}${options.fn(this)}{{else}}${options.inverse(this)}{{/if}}`);
  });
  const issueTemplate = hb.compile(readFileSync(join(assetsDir, 'templates', `${ISSUE_TEMPLATE}.mjml`), 'utf8'), {
    strict: true,
  });

  // SES renders templates as Handlebars without HTML escaping; the archive does the same.
  const ses = Handlebars.create();
  return {
    personalize: (html, data) => ses.compile(html, { noEscape: true })(data),
    async render(view: EditionView): Promise<Edition> {
      const t = i18n.getFixedT(view.language, ISSUE_TEMPLATE);
      const source = issueTemplate({ ...view, t, dir: i18n.dir(view.language) });
      const { html, errors } = await mjml2html(source, { validationLevel: 'strict', keepComments: false });
      if (errors.length > 0) {
        throw new MjmlRenderError(errors.map((e) => e.formattedMessage).join('; '));
      }
      const text = convert(html, {
        wordwrap: 78,
        selectors: [
          { selector: 'img', format: 'skip' },
          { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
        ],
      });
      return { language: view.language, subject: view.subject.text, html, text };
    },
  };
}
