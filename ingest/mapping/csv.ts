/**
 * RFC 4180 CSV reader that keeps the physical line of every record and never loses a line: a
 * record it cannot read becomes a `CsvBadRecord` (line, raw text, reason) and reading resumes on
 * the next line. Handles a UTF-8 BOM, CRLF or LF line ends, quoted fields with `""` escapes and
 * line breaks inside quotes. An unclosed quote does not swallow the rest of the file: only the
 * line where the quote opened is rejected.
 */
export interface CsvRecord {
  line: number;
  fields: string[];
  raw: string;
}

export interface CsvBadRecord {
  line: number;
  raw: string;
  reason: string;
}

export interface CsvParse {
  records: CsvRecord[];
  bad: CsvBadRecord[];
}

export function parseCsv(input: string, delimiter = ','): CsvParse {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const records: CsvRecord[] = [];
  const bad: CsvBadRecord[] = [];
  let pos = 0;
  let line = 1;
  const n = text.length;

  const lineEnd = (from: number): number => {
    const i = text.indexOf('\n', from);
    return i === -1 ? n : i;
  };
  const stripEol = (s: string) => s.replace(/\r?\n$/, '').replace(/\r$/, '');

  while (pos < n) {
    const start = pos;
    const startLine = line;
    const fields: string[] = [];
    let error: string | null = null;
    let recovery = -1; // where to resume after an error
    let field = '';
    let done = false;
    while (!done) {
      if (pos >= n) {
        fields.push(field);
        done = true;
        break;
      }
      if (text[pos] === '"' && field === '') {
        // quoted field
        pos++;
        let closed = false;
        while (pos < n) {
          const c = text[pos];
          if (c === '"') {
            if (text[pos + 1] === '"') {
              field += '"';
              pos += 2;
              continue;
            }
            closed = true;
            pos++;
            break;
          }
          if (c === '\n') line++;
          field += c;
          pos++;
        }
        if (!closed) {
          error = 'unclosed quote';
          recovery = lineEnd(start);
          break;
        }
        const next = text[pos];
        if (pos >= n || next === delimiter || next === '\n' || next === '\r') {
          // fall through to the delimiter handling below
        } else {
          error = `unexpected ${JSON.stringify(next)} after a closing quote (a quote inside a field must be doubled)`;
          recovery = lineEnd(pos);
          break;
        }
      }
      if (pos >= n) {
        fields.push(field);
        done = true;
        break;
      }
      const c = text[pos];
      if (c === delimiter) {
        fields.push(field);
        field = '';
        pos++;
      } else if (c === '\n' || c === '\r') {
        fields.push(field);
        pos += c === '\r' && text[pos + 1] === '\n' ? 2 : 1;
        line++;
        done = true;
      } else {
        field += c;
        pos++;
      }
    }
    if (error !== null) {
      const end = recovery;
      bad.push({ line: startLine, raw: stripEol(text.slice(start, end)), reason: `malformed CSV record: ${error}` });
      // resume on the line after the one where the error was found
      line = startLine + countNewlines(text, start, end) + 1;
      pos = end + 1;
      continue;
    }
    const raw = stripEol(text.slice(start, pos));
    if (fields.length === 1 && fields[0] === '' && raw === '') continue; // empty line
    records.push({ line: startLine, fields, raw });
  }
  return { records, bad };
}

function countNewlines(text: string, from: number, to: number): number {
  let k = 0;
  for (let i = from; i < to; i++) if (text[i] === '\n') k++;
  return k;
}
