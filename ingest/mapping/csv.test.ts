import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.js';
import { jsonElementLines, readRecords } from './records.js';

describe('parseCsv (RFC 4180)', () => {
  it('reads BOM, CRLF, quoted delimiters, doubled quotes and line breaks inside quotes, keeping start lines', () => {
    const text = '\uFEFFa,b,c\r\n1,"x, y",3\r\n"4","he said ""hi""",6\r\n7,"two\r\nlines",9\r\n10,,\r\n';
    const { records, bad } = parseCsv(text);
    expect(bad).toEqual([]);
    expect(records.map((r) => [r.line, r.fields])).toEqual([
      [1, ['a', 'b', 'c']],
      [2, ['1', 'x, y', '3']],
      [3, ['4', 'he said "hi"', '6']],
      [4, ['7', 'two\r\nlines', '9']],
      [6, ['10', '', '']],
    ]);
  });

  it('reads LF-only files, a last line without a line break, and skips blank lines', () => {
    const { records } = parseCsv('a,b\n1,2\n\n3,4');
    expect(records.map((r) => [r.line, r.fields])).toEqual([
      [1, ['a', 'b']],
      [2, ['1', '2']],
      [4, ['3', '4']],
    ]);
  });

  it('rejects only the line of an unclosed quote and resumes on the next line', () => {
    const { records, bad } = parseCsv('a,b\n1,"open\n2,3\n4,5\n');
    expect(bad).toEqual([{ line: 2, raw: '1,"open', reason: 'malformed CSV record: unclosed quote' }]);
    expect(records.map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['2', '3'],
      ['4', '5'],
    ]);
  });

  it('rejects text after a closing quote', () => {
    const { records, bad } = parseCsv('a,b\n"x"y,2\n3,4\n');
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatchObject({ line: 2, raw: '"x"y,2' });
    expect(bad[0].reason).toMatch(/after a closing quote/);
    expect(records.map((r) => r.line)).toEqual([1, 3]);
  });
});

describe('readRecords', () => {
  it('maps CSV rows to header keys and rejects rows with the wrong field count', () => {
    const r = readRecords('id,name\n1,a\n2\n3,c,extra\n', 'x.csv');
    expect(r.format).toBe('csv');
    expect(r.records.map((x) => [x.line, x.value])).toEqual([[2, { id: '1', name: 'a' }]]);
    expect(r.bad.map((b) => [b.line, b.reason])).toEqual([
      [3, 'expected 2 fields as in the header, got 1'],
      [4, 'expected 2 fields as in the header, got 3'],
    ]);
  });

  it('reads NDJSON with a bad line', () => {
    const r = readRecords('{"a":1}\n{"a":\n\n{"a":3}\n', 'x.ndjson');
    expect(r.records.map((x) => [x.line, x.value])).toEqual([
      [1, { a: 1 }],
      [4, { a: 3 }],
    ]);
    expect(r.bad).toHaveLength(1);
    expect(r.bad[0].line).toBe(2);
  });

  it('unwraps vendor envelopes and records where each element starts', () => {
    const text = '{\n  "@odata.context": "x",\n  "value": [\n    {\n      "id": "a",\n      "s": "[not, an] {array}"\n    },\n    { "id": "b" }\n  ]\n}\n';
    const r = readRecords(text, 'page.json');
    expect(r.envelopeKey).toBe('value');
    expect(r.envelope).toEqual({ '@odata.context': 'x' });
    expect(r.records.map((x) => [x.line, (x.value as { id: string }).id])).toEqual([
      [4, 'a'],
      [8, 'b'],
    ]);
  });

  it('puts a whole unparseable JSON document in one bad record', () => {
    const r = readRecords('{"value": [ {"id": 1}, ', 'page.json');
    expect(r.records).toEqual([]);
    expect(r.bad).toHaveLength(1);
    expect(r.bad[0].reason).toMatch(/invalid JSON/);
  });

  it('flattens a file of several API pages', () => {
    const text = ['{"@odata.context":"c","value":[{"id":"a"},{"id":"b"}],"@odata.nextLink":"n"}', '{"@odata.context":"c","value":[{"id":"c"}]}'].join('\n');
    const r = readRecords(text, 'pages.ndjson');
    expect(r.records.map((x) => [x.line, (x.value as { id: string }).id])).toEqual([
      [1, 'a'],
      [1, 'b'],
      [2, 'c'],
    ]);
    expect(r.envelope).toMatchObject({ '@odata.context': 'c' });
  });
});

describe('jsonElementLines', () => {
  it('finds elements of a root array, ignoring brackets inside strings and escaped quotes', () => {
    const text = '[\n  {"a": "x\\"]"},\n  [1, 2],\n  "s",\n  3\n]';
    expect(jsonElementLines(text, null)).toEqual([2, 3, 4, 5]);
  });

  it('finds the array under a key and not under a nested key of the same name', () => {
    const text = '{\n "meta": {"result": [9, 9]},\n "result": [\n  {"x": 1},\n  {"x": 2}\n ]\n}';
    expect(jsonElementLines(text, 'result')).toEqual([4, 5]);
  });
});
