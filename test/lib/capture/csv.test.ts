import { parseNumericToken, splitCsv } from '../../../lib/capture';

describe('parseNumericToken', () => {
  test.each([
    [' 7', 7], ['\t8\r', 8], ['\u0001', undefined],
    ['1.5', 1.5], [' 16.0 ', 16], ['-0.5', -0.5], ['+2', 2], ['1e3', 1000], ['.5', 0.5], ['0', 0],
    ['', null], ['  ', null], ['nan', null], ['NaN', null],
    ['abc', undefined], ['1,5', undefined], ['0x1A', undefined], ['0b11', undefined], ['Infinity', undefined], ['1e400', undefined],
  ])('%j reads as %j', (token, expected) => {
    expect(parseNumericToken(token)).toBe(expected);
  });
});

describe('splitCsv', () => {
  // RFC 4180 section 2: quoted fields, "" escapes, line breaks inside quotes, CRLF.
  // https://www.rfc-editor.org/rfc/rfc4180#section-2
  test.each([
    ['aaa,bbb,ccc\r\nzzz,yyy,xxx\r\n', [['aaa', 'bbb', 'ccc'], ['zzz', 'yyy', 'xxx']]],
    ['aaa,bbb,ccc', [['aaa', 'bbb', 'ccc']]],
    ['"aaa","bbb","ccc"\r\nzzz,yyy,xxx', [['aaa', 'bbb', 'ccc'], ['zzz', 'yyy', 'xxx']]],
    ['"aaa","b\r\nbb","ccc"\r\nzzz,yyy,xxx', [['aaa', 'b\r\nbb', 'ccc'], ['zzz', 'yyy', 'xxx']]],
    ['"aaa","b""bb","ccc"', [['aaa', 'b"bb', 'ccc']]],
    ['1,,3\n\n4,5,6\n', [['1', '', '3'], ['4', '5', '6']]],
    ['"",x', [['', 'x']]],
  ])('%j', (text, rows) => {
    expect(splitCsv(text)).toEqual(rows);
  });

  test('an unclosed quote is undefined', () => {
    expect(splitCsv('"aaa,bbb')).toBeUndefined();
  });
});
