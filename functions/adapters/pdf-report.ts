// The dissemination report as a PDF (pdfkit), for the programme's report: the project's name, the period and the
// grouping, the table with its total, the footnotes on estimates and measurement, the issues, and the EU emblem with
// the funding statement in the report's language. DejaVu Sans (assets/fonts/) covers Latin, Greek and Cyrillic.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import PDFDocument from 'pdfkit';
import { EU_EMBLEM, FUNDING_STATEMENTS, type EuLanguage } from '../../contracts/eu-funding.ts';
import type { Profile } from '../../contracts/profile.ts';
import { groupName } from '../domain/groups.ts';
import { referenceOf } from '../domain/reference.ts';
import { fill, type ReportText } from '../domain/report-text.ts';
import {
  REPORT_FIGURES,
  SKETCH_ERROR,
  type DisseminationReport,
  type ReportFigure,
  type ReportRow,
} from '../domain/report.ts';
import { percent } from '../domain/report-csv.ts';

export interface PdfAssets {
  regular: Buffer;
  bold: Buffer;
  emblem: Buffer;
}

/** The fonts and the emblem, read once from the assets folder (the repository, or the Lambda bundle). */
export function readPdfAssets(assetsDir: string): PdfAssets {
  return {
    regular: readFileSync(join(assetsDir, 'assets', 'fonts', 'DejaVuSans.ttf')),
    bold: readFileSync(join(assetsDir, 'assets', 'fonts', 'DejaVuSans-Bold.ttf')),
    emblem: readFileSync(join(assetsDir, 'assets', 'eu', EU_EMBLEM.files.png['2x'])),
  };
}

/** The figure as the table shows it: a whole number, or a rate as a percentage. */
const cell = (row: ReportRow, name: ReportFigure) =>
  name === 'openRate' || name === 'clickRate' ? percent(row[name]) : String(row[name]);

export async function reportPdf(
  report: DisseminationReport,
  options: { profile: Profile; language: string; text: ReportText; assets: PdfAssets; createdAt: Date },
): Promise<Buffer> {
  const { profile, language, text, assets } = options;
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 36,
    font: assets.regular as unknown as string,
    lang: language,
    info: {
      Title: `${profile.shortName}: ${text.title} ${report.from} – ${report.to}`,
      Author: profile.name,
      CreationDate: options.createdAt,
    },
  });
  doc.registerFont('regular', assets.regular);
  doc.registerFont('bold', assets.bold);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const regionName = (key: string) =>
    groupName(referenceOf(profile), 'region', key, language, (country) => fill(text.otherRegion, { country }));
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const bottom = doc.page.height - doc.page.margins.bottom;

  // The EU emblem with the funding statement first, as on every other output (Annex IX: prominently, on the front).
  const emblemHeight = 34;
  const emblemWidth = emblemHeight * EU_EMBLEM.aspectRatio;
  const emblemTop = doc.y;
  doc.image(assets.emblem, left, emblemTop, { height: emblemHeight });
  const statement =
    FUNDING_STATEMENTS[profile.funding][language as EuLanguage] ?? FUNDING_STATEMENTS[profile.funding].en;
  doc
    .font('bold')
    .fontSize(10)
    .text(statement, left + emblemWidth + 8, emblemTop + emblemHeight / 2 - 6, { width: width - emblemWidth - 8 });
  doc.x = left;
  doc.y = emblemTop + emblemHeight + 14;

  doc.font('bold').fontSize(16).text(profile.name, { width });
  doc.moveDown(0.2).fontSize(13).text(text.title, { width });
  doc
    .moveDown(0.3)
    .font('regular')
    .fontSize(10)
    .text(
      `${fill(text.period, { from: report.from, to: report.to })} · ${fill(text.groupedBy, {
        grouping: text.grouping[report.by],
      })}${report.region ? ` · ${regionName(report.region)}` : ''}`,
      { width },
    );
  doc.moveDown(0.8);

  // The table: the group's name, then one narrow column per figure; headers wrap.
  const nameWidth = 150;
  const figureWidth = (width - nameWidth) / REPORT_FIGURES.length;
  const columnX = (i: number) => left + nameWidth + i * figureWidth;
  // Headers wrap between words, never inside one: the font shrinks until the longest word of each fits its column.
  const headerSize = (label: string, columnWidth: number) => {
    doc.font('bold');
    let size = 7;
    const longest = (n: number) => Math.max(...label.split(/\s+/).map((word) => doc.fontSize(n).widthOfString(word)));
    while (size > 5 && longest(size) > columnWidth) size -= 0.25;
    return size;
  };
  const header = () => {
    const size = Math.min(
      headerSize(text.grouping[report.by], nameWidth - 4),
      ...REPORT_FIGURES.map((f) => headerSize(text.columns[f] ?? f, figureWidth - 4)),
    );
    doc.font('bold').fontSize(size);
    const top = doc.y;
    const heights = [
      doc.heightOfString(text.grouping[report.by], { width: nameWidth - 4 }),
      ...REPORT_FIGURES.map((f) => doc.heightOfString(text.columns[f] ?? f, { width: figureWidth - 4 })),
    ];
    doc.text(text.grouping[report.by], left, top, { width: nameWidth - 4 });
    REPORT_FIGURES.forEach((f, i) =>
      doc.text(text.columns[f] ?? f, columnX(i), top, { width: figureWidth - 4, align: 'right' }),
    );
    const end = top + Math.max(...heights) + 3;
    doc
      .moveTo(left, end)
      .lineTo(left + width, end)
      .lineWidth(0.5)
      .stroke();
    doc.y = end + 3;
  };
  const line = (row: ReportRow, bold: boolean) => {
    doc.font(bold ? 'bold' : 'regular').fontSize(8);
    const height = doc.heightOfString(row.name, { width: nameWidth - 4 }) + 3;
    if (doc.y + height > bottom) {
      doc.addPage();
      header();
      doc.font(bold ? 'bold' : 'regular').fontSize(8);
    }
    const top = doc.y;
    doc.text(row.name, left, top, { width: nameWidth - 4 });
    REPORT_FIGURES.forEach((f, i) =>
      doc.text(cell(row, f), columnX(i), top, { width: figureWidth - 4, align: 'right', lineBreak: false }),
    );
    doc.y = top + height;
  };
  header();
  for (const row of report.rows) line(row, false);
  const rule = doc.y;
  doc
    .moveTo(left, rule)
    .lineTo(left + width, rule)
    .lineWidth(0.5)
    .stroke();
  doc.y = rule + 3;
  line(report.total, true);

  // Footnotes, the issues, and the funding acknowledgement.
  doc.x = left;
  doc.moveDown(1).font('regular').fontSize(7.5);
  for (const note of [fill(text.estimate, { error: (SKETCH_ERROR * 100).toFixed(1) }), text.rates, text.measured]) {
    doc.text(note, left, doc.y, { width });
    doc.moveDown(0.2);
  }
  doc.moveDown(0.6).font('bold').fontSize(9).text(text.issues, left, doc.y, { width });
  doc.font('regular').fontSize(8);
  if (report.issues.length === 0) doc.text(text.noIssues, { width });
  for (const issue of report.issues) doc.text(`${issue.sentAt.slice(0, 10)}  ${issue.title}`, { width });

  doc.end();
  return done;
}
