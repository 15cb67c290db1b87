// The report's words per language from locales/<lng>/report.json, read once per language; a language without the
// file gets English (the locales' own source).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReportText } from '../domain/report-text.ts';

export function createReportText(assetsDir: string): (language: string) => ReportText {
  const read = new Map<string, ReportText>();
  const load = (language: string): ReportText => {
    const file = join(assetsDir, 'locales', language, 'report.json');
    return JSON.parse(readFileSync(existsSync(file) ? file : join(assetsDir, 'locales', 'en', 'report.json'), 'utf8'));
  };
  return (language) => {
    const safe = /^[a-z]{2,3}$/.test(language) ? language : 'en';
    let text = read.get(safe);
    if (!text) {
      text = load(safe);
      read.set(safe, text);
    }
    return text;
  };
}
