// The EU's own texts and marks for funded projects: the funding statement in every official language, the author disclaimer, the emblem's files.

/** The 24 official languages of the EU (ISO 639-1), in the EU's protocol order by language code. */
export const EU_LANGUAGES = [
  'bg',
  'cs',
  'da',
  'de',
  'el',
  'en',
  'es',
  'et',
  'fi',
  'fr',
  'ga',
  'hr',
  'hu',
  'it',
  'lt',
  'lv',
  'mt',
  'nl',
  'pl',
  'pt',
  'ro',
  'sk',
  'sl',
  'sv',
] as const;
export type EuLanguage = (typeof EU_LANGUAGES)[number];

/** "Funded" when the EU pays the whole eligible cost, "co-funded" otherwise (Interreg projects are co-funded). */
export const FUNDING_VARIANTS = ['funded', 'co-funded'] as const;
export type FundingVariant = (typeof FUNDING_VARIANTS)[number];

/**
 * The funding statement written out beside the emblem, as live text in the material's language.
 *
 * Wording: Regulation (EU) 2021/1060, Annex IX point 1.2 ("'Funded by the European Union' or 'Co-funded by the
 * European Union' shall be written out in full and placed next to the emblem"), in each language version of the
 * regulation; the Commission's download centre for visual elements has the emblem with these statements in every
 * language. Never abbreviate "EU" here. README.md ("The EU emblem") says which languages are checked against a source.
 * Polish programmes may use the national form "Dofinansowane przez Unię Europejską"; the Commission's files use
 * the form below.
 */
export const FUNDING_STATEMENTS: Readonly<Record<FundingVariant, Readonly<Record<EuLanguage, string>>>> = {
  funded: {
    bg: 'Финансирано от Европейския съюз',
    cs: 'Financováno Evropskou unií',
    da: 'Finansieret af Den Europæiske Union',
    de: 'Finanziert von der Europäischen Union',
    el: 'Χρηματοδοτείται από την Ευρωπαϊκή Ένωση',
    en: 'Funded by the European Union',
    es: 'Financiado por la Unión Europea',
    et: 'Rahastanud Euroopa Liit',
    fi: 'Euroopan unionin rahoittama',
    fr: 'Financé par l’Union européenne',
    ga: 'Arna mhaoiniú ag an Aontas Eorpach',
    hr: 'Financira Europska unija',
    hu: 'Az Európai Unió finanszírozásával',
    it: 'Finanziato dall’Unione europea',
    lt: 'Finansuojama Europos Sąjungos',
    lv: 'Finansē Eiropas Savienība',
    mt: 'Iffinanzjat mill-Unjoni Ewropea',
    nl: 'Gefinancierd door de Europese Unie',
    pl: 'Sfinansowane przez Unię Europejską',
    pt: 'Financiado pela União Europeia',
    ro: 'Finanțat de Uniunea Europeană',
    sk: 'Financované Európskou úniou',
    sl: 'Financira Evropska unija',
    sv: 'Finansieras av Europeiska unionen',
  },
  'co-funded': {
    bg: 'Съфинансирано от Европейския съюз',
    cs: 'Spolufinancováno Evropskou unií',
    da: 'Medfinansieret af Den Europæiske Union',
    de: 'Kofinanziert von der Europäischen Union',
    el: 'Με τη συγχρηματοδότηση της Ευρωπαϊκής Ένωσης',
    en: 'Co-funded by the European Union',
    es: 'Cofinanciado por la Unión Europea',
    et: 'Kaasrahastanud Euroopa Liit',
    fi: 'Euroopan unionin osarahoittama',
    fr: 'Cofinancé par l’Union européenne',
    ga: 'Arna chómhaoiniú ag an Aontas Eorpach',
    hr: 'Sufinancira Europska unija',
    hu: 'Az Európai Unió társfinanszírozásával',
    it: 'Cofinanziato dall’Unione europea',
    lt: 'Bendrai finansuojama Europos Sąjungos',
    lv: 'Līdzfinansē Eiropas Savienība',
    mt: 'Kofinanzjat mill-Unjoni Ewropea',
    nl: 'Medegefinancierd door de Europese Unie',
    pl: 'Współfinansowane przez Unię Europejską',
    pt: 'Cofinanciado pela União Europeia',
    ro: 'Cofinanțat de Uniunea Europeană',
    sk: 'Spolufinancované Európskou úniou',
    sl: 'Sofinancira Evropska unija',
    sv: 'Medfinansieras av Europeiska unionen',
  },
};

/**
 * The author disclaimer that follows the funding statement, kept apart from it on the page.
 *
 * Wording: the EU Model Grant Agreement 2021-2027, article 17 (Horizon Europe, Erasmus+, Digital Europe, ...), whose
 * text reads "Funded by the European Union. Views and opinions expressed are however those of the author(s) only and
 * do not necessarily reflect those of the European Union or [name of the granting authority]. Neither the European
 * Union nor the granting authority can be held responsible for them." The opening sentence is the statement of the
 * project's variant, so it is not repeated here. Only the English text is the official one found: the granting
 * authorities publish their own translations (EACEA's name themselves), so a project gives its translation in its
 * profile and every other language shows this English text, marked as English.
 */
export const DISCLAIMER: { readonly lang: 'en'; readonly text: string } = {
  lang: 'en',
  text:
    'Views and opinions expressed are however those of the author(s) only and do not necessarily reflect those of the ' +
    'European Union or {{authority}}. Neither the European Union nor the granting authority can be held responsible ' +
    'for them.',
};

/** The disclaimer with the granting authority's name in place (e.g. "the Interreg Europe Managing Authority"). */
export function disclaimerText(authority: string): string {
  return DISCLAIMER.text.replace('{{authority}}', authority);
}

/**
 * The EU emblem as Herald draws it (tools/eu-emblem.ts), from the graphics guide to the European emblem
 * (Interinstitutional Style Guide, annex A1; the Council of Europe's "technical characteristics of the European flag";
 * restated in Regulation (EU) 2021/1060, Annex IX point 1.9).
 */
export const EU_EMBLEM = {
  /** Pantone Reflex Blue for the rectangle and Pantone Yellow for the stars, in the guide's web palette. */
  colours: { reflexBlue: '#003399', yellow: '#FFCC00' },
  /** Fly is one and a half times the hoist. */
  aspectRatio: 3 / 2,
  /** Radius of the invisible circle of stars, as a share of the height. */
  circleRadius: 1 / 3,
  /** Radius of the circle through each star's five points, as a share of the height. */
  starRadius: 1 / 18,
  stars: 12,
  /** On a coloured (or dark) background: a white border around the rectangle, 1/25 of its height wide. */
  whiteBorder: 1 / 25,
  /** Height in CSS pixels the PNGs are drawn for; the @2x and @3x files are for high-density screens. */
  displayHeight: 50,
  /** File names in assets/eu/ of the repository. */
  files: {
    svg: 'eu-emblem.svg',
    png: { '1x': 'eu-emblem.png', '2x': 'eu-emblem@2x.png', '3x': 'eu-emblem@3x.png' },
    whiteBorderSvg: 'eu-emblem-white-border.svg',
    whiteBorderPng: {
      '1x': 'eu-emblem-white-border.png',
      '2x': 'eu-emblem-white-border@2x.png',
      '3x': 'eu-emblem-white-border@3x.png',
    },
  },
} as const;
