/** Just enough of the exposition format and PromQL selectors to check series against Pennant's queries. */
export interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parseExposition(text: string): Series[] {
  const series: Series[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const [, key = '', value = ''] of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[key] = value;
    series.push({ name: m[1] ?? '', labels, value: Number(m[3]) });
  }
  return series;
}

interface Matcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export interface Selector {
  name: string;
  matchers: Matcher[];
}

/** Every `metric{…}` selector in a query. */
export function selectorsOf(query: string): Selector[] {
  return [...query.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}/g)].map(([, name = '', body = '']) => ({
    name,
    matchers: [...body.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"([^"]*)"/g)].map(([, label = '', op, value = '']) => ({
      label,
      op: op as Matcher['op'],
      value,
    })),
  }));
}

/** PromQL semantics: regexes are fully anchored, a missing label is the empty string. */
export function matches(selector: Selector, series: Series): boolean {
  if (selector.name !== series.name) return false;
  return selector.matchers.every(({ label, op, value }) => {
    const actual = series.labels[label] ?? '';
    if (op === '=') return actual === value;
    if (op === '!=') return actual !== value;
    // Only regex matchers are regexes: le="+Inf" is not one.
    const re = new RegExp(`^(?:${value})$`);
    return op === '=~' ? re.test(actual) : !re.test(actual);
  });
}
