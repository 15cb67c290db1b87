// The funding statement and the author disclaimer: every official EU language, in its own words and script.
import { describe, expect, it } from 'vitest';
import {
  DISCLAIMER,
  disclaimerText,
  EU_LANGUAGES,
  FUNDING_STATEMENTS,
  FUNDING_VARIANTS,
  type EuLanguage,
  type FundingVariant,
} from '../../contracts/eu-funding.ts';

const SCRIPT: Partial<Record<EuLanguage, RegExp>> = { bg: /^[\p{Script=Cyrillic} ]+$/u, el: /^[\p{Script=Greek} ]+$/u };
const LATIN = /^[\p{Script=Latin} ’-]+$/u;

describe('the funding statement', () => {
  it('covers the 24 official EU languages', () => {
    expect(new Set(EU_LANGUAGES).size).toBe(24);
    for (const variant of FUNDING_VARIANTS) {
      expect(Object.keys(FUNDING_STATEMENTS[variant]).sort(), variant).toEqual([...EU_LANGUAGES].sort());
    }
  });

  it('is written in each language, in its script, and in English only for English', () => {
    for (const variant of FUNDING_VARIANTS) {
      const english = FUNDING_STATEMENTS[variant].en;
      expect(english).toBe(variant === 'funded' ? 'Funded by the European Union' : 'Co-funded by the European Union');
      for (const language of EU_LANGUAGES) {
        const text = FUNDING_STATEMENTS[variant][language];
        expect(text.trim(), `${variant} ${language}`).toBe(text);
        expect(text, `${variant} ${language}`).toMatch(SCRIPT[language] ?? LATIN);
        if (language === 'en') continue;
        expect(text, `${variant} ${language}`).not.toBe(english);
        expect(text.toLowerCase(), `${variant} ${language}`).not.toMatch(/funded|european union/);
      }
    }
  });

  it('tells "funded" from "co-funded" in every language', () => {
    for (const language of EU_LANGUAGES) {
      expect(FUNDING_STATEMENTS.funded[language], language).not.toBe(FUNDING_STATEMENTS['co-funded'][language]);
    }
  });

  it('keeps the wording that was checked against the regulation, the Commission or a national authority', () => {
    // The sources are named beside each language in contracts/eu-funding.ts.
    const checked: Record<FundingVariant, Partial<Record<EuLanguage, string>>> = {
      funded: {
        de: 'Finanziert von der Europäischen Union',
        en: 'Funded by the European Union',
        fi: 'Euroopan unionin rahoittama',
        hr: 'Financira Europska unija',
        it: 'Finanziato dall’Unione europea',
        lt: 'Finansuojama Europos Sąjungos',
        nl: 'Gefinancierd door de Europese Unie',
        sv: 'Finansieras av Europeiska unionen',
      },
      'co-funded': {
        da: 'Medfinansieret af Den Europæiske Union',
        de: 'Kofinanziert von der Europäischen Union',
        el: 'Με τη συγχρηματοδότηση της Ευρωπαϊκής Ένωσης',
        en: 'Co-funded by the European Union',
        et: 'Kaasrahastanud Euroopa Liit',
        hr: 'Sufinancira Europska unija',
        it: 'Cofinanziato dall’Unione europea',
        lt: 'Bendrai finansuojama Europos Sąjungos',
        nl: 'Medegefinancierd door de Europese Unie',
        ro: 'Cofinanțat de Uniunea Europeană',
        sk: 'Spolufinancované Európskou úniou',
        sl: 'Sofinancira Evropska unija',
        sv: 'Medfinansieras av Europeiska unionen',
      },
    };
    for (const variant of FUNDING_VARIANTS) {
      for (const [language, text] of Object.entries(checked[variant])) {
        expect(FUNDING_STATEMENTS[variant][language as EuLanguage], `${variant} ${language}`).toBe(text);
      }
    }
  });

  it('writes the French and Italian apostrophe as the Official Journal does, never as a straight quote', () => {
    for (const variant of FUNDING_VARIANTS) {
      for (const language of ['fr', 'it'] as const) {
        const text = FUNDING_STATEMENTS[variant][language];
        expect(text, `${variant} ${language}`).toContain('’');
        expect(text, `${variant} ${language}`).not.toContain("'");
      }
    }
  });

  it('writes the Union out in full, never as an abbreviation', () => {
    for (const variant of FUNDING_VARIANTS) {
      for (const language of EU_LANGUAGES) {
        const words = FUNDING_STATEMENTS[variant][language].split(/[\s’-]+/);
        const abbreviations = words.filter(
          (word) => word.length <= 3 && word === word.toUpperCase() && /\p{L}/u.test(word),
        );
        expect(abbreviations, `${variant} ${language}`).toEqual([]);
      }
    }
  });
});

describe('the author disclaimer', () => {
  it('names the granting authority and marks its text as English', () => {
    expect(DISCLAIMER.lang).toBe('en');
    const text = disclaimerText('the Interreg Europe Managing Authority');
    expect(text).toBe(
      'Views and opinions expressed are however those of the author(s) only and do not necessarily reflect those of the ' +
        'European Union or the Interreg Europe Managing Authority. Neither the European Union nor the granting ' +
        'authority can be held responsible for them.',
    );
    expect(text).not.toContain('{{');
  });
});
