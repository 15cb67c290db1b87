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
 * language. Never abbreviate "EU" here. Typography follows the Official Journal: the typographic apostrophe (’) in
 * French and Italian, and the Union's name spelt and capitalised as the Official Journal writes it.
 *
 * Checked (F = funded, C = co-funded) against, best first, with what each entry was checked against beside it:
 * - [CPR]  the regulation's annex IX point 1.2 in that language (EUR-Lex itself could not be read: only a copy).
 * - [EC]   a Commission source: its page "Communicating and raising EU visibility" in that language, or its emblem
 *          file (logo download centre, co-funded_xx.zip, XX_Co-fundedbytheEU_RGB_*.png) as read and recorded, with
 *          checksums, by a public repository that downloaded it (the image itself could not be opened here).
 * - [auth] a national or programme authority's page that gives the statement.
 * "not verified" means no source of these kinds could be read here; the text is kept as it was, unconfirmed.
 */
export const FUNDING_STATEMENTS: Readonly<Record<FundingVariant, Readonly<Record<EuLanguage, string>>>> = {
  funded: {
    // bg F, C: not verified (no Bulgarian annex IX, Commission file or authority page giving both texts could be read).
    bg: 'Финансирано от Европейския съюз',
    // cs F, C: not verified.
    cs: 'Financováno Evropskou unií',
    // da C: [auth] Erhvervsstyrelsen (ERDF/ESF+ managing authority), udviklingidanmark.erhvervsstyrelsen.dk/
    // kommunikation-og-brug-af-logoer-i-2021-2027 (it writes "den"; EU texts in Danish write "Den Europæiske
    // Union", kept). F: not verified.
    da: 'Finansieret af Den Europæiske Union',
    // de F, C: [CPR] annex IX 1.2, German text, as copied at gesetze.legal/eu/vo_eu_2021_1060/anhang_ix.
    de: 'Finanziert von der Europäischen Union',
    // el C: [EC] co-funded_el.zip, EL_Co-fundedbytheEU_RGB_NEG.png. F: not verified; conflicting evidence: Greek
    // RRF material and one copy of EACEA's disclaimer read "Με τη χρηματοδότηση της Ευρωπαϊκής Ένωσης".
    el: 'Χρηματοδοτείται από την Ευρωπαϊκή Ένωση',
    // en F, C: [EC] international-partnerships.ec.europa.eu/knowledge-hub/communicating-and-raising-eu-visibility-
    // guidance-external-actions_en ('Funded by the European Union' or 'Co-funded by the European Union').
    en: 'Funded by the European Union',
    // es F, C: not verified.
    es: 'Financiado por la Unión Europea',
    // et C: [auth] Enterprise Estonia, eas.ee/teavitamine (after the Government regulation on 2021–2027 publicity).
    // F: not verified (the same page names it, but the stored copy stops before it).
    et: 'Rahastanud Euroopa Liit',
    // fi F: [auth] the EMFAF programme, merijakalatalous.fi ("teksti Euroopan unionin rahoittama"). C: not verified.
    fi: 'Euroopan unionin rahoittama',
    // fr F, C: not verified (the apostrophe is the Official Journal's ’, as in "Journal officiel de l’Union
    // européenne").
    fr: 'Financé par l’Union européenne',
    // ga F, C: not verified.
    ga: 'Arna mhaoiniú ag an Aontas Eorpach',
    // hr F, C: [auth] Ministry of Regional Development and EU Funds, eufondovi.gov.hr/komunikacija-informiranje-i-
    // vidljivost-eu-projekata-u-razdoblju-2021-2027; C also [EC] co-funded_hr.zip, HR_Co-fundedbytheEU_RGB_NEG.png.
    hr: 'Financira Europska unija',
    // hu F, C: not verified (C matches the Széchenyi Terv Plusz logos, seen only in third-party copies).
    hu: 'Az Európai Unió finanszírozásával',
    // it F, C: [auth] PN Capacità per la Coesione 2021-2027, capcoe.it/comunicazione/supporto-ai-beneficiari,
    // quoting the regulation with the typographic apostrophe.
    it: 'Finanziato dall’Unione europea',
    // lt F, C: [auth] the Erasmus+ national agency, jtba.lt/erasmus/logotipai-dotaciju-gavejams. Conflicting evidence:
    // a Lithuanian cohesion-funded project writes "Bendrai finansuoja Europos Sąjunga" (third party only).
    lt: 'Finansuojama Europos Sąjungos',
    // lv F, C: not verified here (the previous check's source was not recorded).
    lv: 'Finansē Eiropas Savienība',
    // mt F, C: not verified.
    mt: 'Iffinanzjat mill-Unjoni Ewropea',
    // nl C: [auth] RVO, rvo.nl/onderwerpen/emfaf/verplichtingen/communicatieactiviteiten, and
    // uitvoeringvanbeleidszw.nl (EMFAF 2021-2027). F: [auth] VLAIO, vlaio.be/nl/over-ons/
    // communicatierichtlijnen-voor-rrf-projecten ("gefinancierd door de Europese Unie", in running text).
    nl: 'Gefinancierd door de Europese Unie',
    // pl F, C: not verified; conflicting evidence: the Commission's PL_Co-fundedbytheEU file is labelled
    // "Współfinansowane przez Unię Europejską" by projects using it, while the Polish ministry's Wytyczne and Księga
    // Tożsamości Wizualnej 2021-2027 define the EU sign with "Dofinansowane przez Unię Europejską", citing annex IX.
    pl: 'Sfinansowane przez Unię Europejską',
    // pt F, C: not verified.
    pt: 'Financiado pela União Europeia',
    // ro C: [EC] co-funded_ro.zip, RO_Co-fundedbytheEU_RGB_NEG.png. F: not verified.
    ro: 'Finanțat de Uniunea Europeană',
    // sk C: [EC] co-funded_sk.zip, SK_Co-fundedbytheEU_RGB_POS.png (only as labelled by a project using it).
    // F: not verified.
    sk: 'Financované Európskou úniou',
    // sl C: [auth] Slovenia's CAP strategic plan, skp.si (»Sofinancira Evropska unija«). F: not verified.
    sl: 'Financira Evropska unija',
    // sv F, C: [EC] communicating-and-raising-eu-visibility_sv (ec.europa.eu/info/funding-tenders/managing-your-
    // project): ”Finansieras av Europeiska unionen” eller ”Medfinansieras av Europeiska unionen”.
    sv: 'Finansieras av Europeiska unionen',
  },
  // Sources for each language: the comments on the funded entries above.
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
 * project's variant, so it is not repeated here. Only the English text is the official one found; editions and pages
 * give the disclaimer in their own language from the locales (`footer.disclaimer`, translated from this text and the
 * granting authorities' published versions), naming the managing authority of the profile's programme.
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
