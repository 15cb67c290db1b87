// The report's words in one language (locales/<lng>/report.json): headers, names of groupings, the PDF's title and
// footnotes. The domain takes them from its caller, which reads the locales.
import type { Grouping } from './stats.ts';

export interface ReportText {
  title: string;
  /** `{{from}}`, `{{to}}`. */
  period: string;
  /** `{{grouping}}`. */
  groupedBy: string;
  grouping: Record<Grouping, string>;
  total: string;
  /** `{{country}}`. */
  otherRegion: string;
  /** Column headers by the JSON key they stand for. */
  columns: Record<string, string>;
  issues: string;
  noIssues: string;
  /** `{{error}}`: the sketches' relative standard error, in percent. */
  estimate: string;
  measured: string;
  rates: string;
}

/** Puts values in a text's `{{name}}` slots. */
export const fill = (template: string, values: Record<string, string | number>) =>
  template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
