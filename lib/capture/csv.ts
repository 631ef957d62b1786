/**
 * CSV as inference payloads use it (RFC 4180 without a header), and the numbers in it.
 *
 * @see https://www.rfc-editor.org/rfc/rfc4180#section-2
 */

/**
 * Reads a numeric token: a finite decimal number (surrounding spaces allowed); `''` and
 * `nan` (any case) are missing (`null`); anything else, infinities and hexadecimal
 * included, is `undefined` (non-numeric).
 */
export function parseNumericToken(token: string): number | null | undefined {
  if (token.length === 0) return null;
  const first = token.charCodeAt(0);
  // White space around the token is rare: trim only then, and read the rest as is.
  if (first <= 32 || token.charCodeAt(token.length - 1) <= 32) {
    const s = token.trim();
    return s === token ? undefined : s === '' ? null : parseNumericToken(s);
  }
  const n = +token;
  if (n !== n) return token.length === 3 && token.toLowerCase() === 'nan' ? null : undefined;
  if (n === Infinity || n === -Infinity) return undefined;
  // Number() also reads 0x1f, 0b1 and 0o7, which no CSV writer means as numbers.
  if (first === 48 && token.length > 2 && 'xXbBoO'.includes(token.charAt(1))) return undefined;
  return n;
}

/**
 * Splits CSV text into rows of fields (RFC 4180: `"` quotes fields, `""` escapes a quote,
 * quoted fields may hold commas and line breaks). Empty lines are skipped; `\r\n` ends a
 * line like `\n`. `undefined` when a quoted field is not closed.
 */
export function splitCsv(text: string): string[][] | undefined {
  if (!text.includes('"')) {
    const rows: string[][] = [];
    for (const raw of text.split('\n')) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (line !== '') rows.push(line.split(','));
    }
    return rows;
  }
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let fieldStarted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
      fieldStarted = true;
    } else if (c === ',') {
      row.push(field); field = ''; fieldStarted = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      if (fieldStarted || field !== '' || row.length > 0) { row.push(field); rows.push(row); }
      row = []; field = ''; fieldStarted = false;
    } else {
      field += c; fieldStarted = true;
    }
  }
  if (quoted) return undefined;
  if (fieldStarted || field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows;
}
