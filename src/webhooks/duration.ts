const PART = /([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/y;
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** Go-style duration ("30s", "1m30s", "500ms") in milliseconds; undefined when it does not parse. */
export function parseDuration(text: string): number | undefined {
  if (text === '') return undefined;
  PART.lastIndex = 0;
  let total = 0;
  while (PART.lastIndex < text.length) {
    const match = PART.exec(text);
    if (match === null) return undefined;
    const [, amount = '', unit = 's'] = match;
    total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  }
  return total;
}

export const formatSeconds = (ms: number): string => `${Number((ms / 1000).toFixed(3))}s`;
