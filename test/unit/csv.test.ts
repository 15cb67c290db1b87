// CSV cells as every Herald CSV writes them: RFC 4180 quoting, and text a spreadsheet would run as a formula shown as typed.
import { describe, expect, it } from 'vitest';
import { csvCell, csvLine } from '../../functions/domain/report-csv.ts';

describe('csvCell', () => {
  it.each([
    ['=HYPERLINK("http://evil.example","Click")', `"'=HYPERLINK(""http://evil.example"",""Click"")"`],
    ['+1 555 0100', "'+1 555 0100"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\r=1', `"'\r=1"`],
  ])('shows %j as text, never a formula', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('writes numbers, plain text and empty values as they are, quoting commas, quotes and line breaks', () => {
    expect(csvLine([-3, 12.5, 'Šárka', null, undefined, 'a, "b"', 'two\nlines'])).toBe(
      '-3,12.5,Šárka,,,"a, ""b""","two\nlines"',
    );
  });
});
