import { MetricError } from './errors.js';

/** One table's first record of an annotated CSV answer: the `_value` cell and its datatype. */
export interface FirstValue {
  value: string;
  datatype: string | undefined;
}

/**
 * The first `_value` of InfluxDB's annotated CSV (docs.influxdata.com/influxdb/v2/reference/syntax/
 * annotated-csv/): `#datatype`/`#group`/`#default` rows, a header row, records; tables are separated
 * by an empty line, each with its own header. An `error,reference` table is the query's error.
 * Undefined when no table has a record.
 */
export function firstInfluxValue(csv: string): FirstValue | undefined {
  let header: string[] | undefined;
  let datatypes: string[] | undefined;
  for (const line of csv.split(/\r?\n/)) {
    if (line.trim() === '') {
      header = undefined;
      datatypes = undefined;
      continue;
    }
    const cells = splitCsvLine(line);
    if (cells[0]?.startsWith('#')) {
      if (cells[0] === '#datatype') datatypes = cells;
      continue;
    }
    if (header === undefined) {
      header = cells;
      continue;
    }
    if (header[0] === 'error' || header.includes('error') && header.includes('reference')) {
      throw new MetricError('QueryError', `query failed: ${cells[header.indexOf('error')] ?? line}`);
    }
    const column = header.indexOf('_value');
    if (column < 0) throw new MetricError('QueryError', 'the result has no _value column (end the Flux query with a single value, e.g. |> last())');
    return { value: cells[column] ?? '', datatype: datatypes?.[column] };
  }
  return undefined;
}

/** RFC 4180 fields of one line: quotes around a field, "" for a quote inside. */
export function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { cells.push(cell); cell = ''; } else cell += c;
  }
  cells.push(cell);
  return cells;
}
