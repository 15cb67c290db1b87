// The text of a PDF as a reader's copy-paste would give it, for tests that compare a report's PDF with its JSON.
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** The PDF's pages joined, runs of white space as one. */
export async function pdfText(bytes: Uint8Array | ArrayBuffer): Promise<string> {
  const pdf = await getDocument({ data: new Uint8Array(bytes) }).promise;
  const lines: string[] = [];
  for (let n = 1; n <= pdf.numPages; n++) {
    const content = await (await pdf.getPage(n)).getTextContent();
    lines.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
  }
  return lines.join(' ').replace(/\s+/g, ' ');
}
