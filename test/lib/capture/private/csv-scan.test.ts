import { parseNumericToken, readInputRows, splitCsv, type CaptureFeature } from '../../../../lib/capture';
import { numericCell, scanCsvRows } from '../../../../lib/capture/private/csv-scan';

const numeric = (n: number): CaptureFeature[] => Array.from({ length: n }, (_, i) => ({ name: `f${i}`, kind: 'numeric' as const }));

describe('numericCell', () => {
  // Expected values are what Number() gives (ECMA-262 StringToNumber), the reference the
  // general path (parseNumericToken) follows; missing and refused tokens as it documents.
  test.each([
    ['1e3', 1000], ['1E+3', 1000], ['2.5e-3', 0.0025], ['1.e5', 100000], ['-.5', -0.5], ['5.', 5], ['.5', 0.5], ['+2', 2],
    ['0012', 12], ['00.5', 0.5], ['0.1', 0.1], ['0.3', 0.3], ['-123.4567', -123.4567], ['9007199254740993', 9007199254740992],
    ['123456789012345', 123456789012345], ['1234567890123456789', 1234567890123456800], ['0.1e-22', 1e-23], ['1e22', 1e22], ['1e23', 1e23],
    ['4.35', 4.35], ['1e-400', 0], ['0e99999', 0], ['2.2250738585072014e-308', 2.2250738585072014e-308],
    [' 2', 2], ['2 ', 2], ['\t8\r', 8], ['', null], ['  ', null], ['NaN', null], ['nan', null],
    ['0x10', undefined], ['0b11', undefined], ['0o7', undefined], ['Infinity', undefined], ['-Infinity', undefined], ['1e400', undefined],
    ['1e', undefined], ['e5', undefined], ['.', undefined], ['-', undefined], ['+', undefined], ['--1', undefined], ['1e5.5', undefined],
    ['1_000', undefined], ['abc', undefined], ['1.2.3', undefined], ['\u0001', undefined],
  ])('%j reads as %j', (token, expected) => {
    const text = `x${token}y`;
    expect(numericCell(text, 1, 1 + token.length)).toBe(expected);
  });

  test('-0 keeps its sign, as Number("-0") does', () => {
    expect(Object.is(numericCell('-0', 0, 2), -0)).toBe(true);
    expect(Object.is(numericCell('-0.000e5', 0, 8), -0)).toBe(true);
    expect(Object.is(numericCell('0', 0, 1), 0)).toBe(true);
  });

  test('agrees bit for bit with parseNumericToken on generated decimals', () => {
    // Seeded xorshift32: digits, signs, points and exponents in many combinations.
    let x = 0x2545f491;
    const next = (n: number) => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return (x >>> 0) % n; };
    const pieces = ['', '-', '+'];
    for (let t = 0; t < 20_000; t++) {
      let s = pieces[next(3)]!;
      const intDigits = next(12);
      for (let d = 0; d < intDigits; d++) s += String(next(10));
      if (next(2) === 1) { s += '.'; const frac = next(12); for (let d = 0; d < frac; d++) s += String(next(10)); }
      if (next(4) === 0) { s += 'eE'[next(2)]! + pieces[next(3)]!; const e = next(4); for (let d = 0; d < e; d++) s += String(next(10)); }
      const got = numericCell(s, 0, s.length);
      const want = parseNumericToken(s);
      if (!Object.is(got, want)) throw new Error(`${JSON.stringify(s)}: got ${got}, expected ${want}`);
    }
  });
});

describe('scanCsvRows', () => {
  test.each([
    ['one row', '1.5,16.0,14', 3, [[1.5, 16, 14]]],
    ['empty values are missing', '1,,2', 3, [[1, null, 2]]],
    ['a trailing comma opens an empty last field', '1,2,', 3, [[1, 2, null]]],
    ['rows on lines, empty lines skipped', '1,2\n\n3,4\n', 2, [[1, 2], [3, 4]]],
    ['a token with spaces goes through parseNumericToken', ' 2,3 ', 2, [[2, 3]]],
  ])('%s', (_, text, width, rows) => {
    expect(scanCsvRows(text, numeric(width))).toEqual(rows);
  });

  test('categorical features keep the text, empty is missing', () => {
    const features: CaptureFeature[] = [{ name: 'amount', kind: 'numeric' }, { name: 'district', kind: 'categorical' }];
    expect(scanCsvRows('310.5,kowloon\n7,', features)).toEqual([[310.5, 'kowloon'], [7, null]]);
  });

  test.each([
    ['a quoted field', '1,"2",3', 3],
    ['CRLF line ends', '1,2,3\r\n4,5,6', 3],
    ['too few columns', '1,2', 3],
    ['too many columns', '1,2,3,4', 3],
    ['a non-numeric value', '1,abc,3', 3],
    ['a hexadecimal value', '1,0x10,3', 3],
    ['no rows', '\n\n', 3],
    ['empty text', '', 3],
  ])('leaves %s to the general path', (_, text, width) => {
    expect(scanCsvRows(text, numeric(width))).toBeUndefined();
  });

  test.each([
    '1,2,3', '1,,3\n\n4,5,6\n', '-0,1e3,.5', ' 7,8 ,nan', '1,2', '1,2,3,4', '1,abc,3', '"1",2,3', '1,2,3\r\n4,5,6', '\n', '1,2,3,',
  ])('readInputRows gives the general path\'s answer for %j', (text) => {
    const features = numeric(3);
    const general = (() => {
      const table = splitCsv(text)!;
      return table.map((r) => r.map((c) => parseNumericToken(c)));
    })();
    const result = readInputRows(text, 'csv', features);
    if ('rows' in result) expect(result.rows).toEqual(general);
    else expect(general.length === 0 || general.some((r) => r.length !== 3 || r.includes(undefined))).toBe(true);
  });
});
