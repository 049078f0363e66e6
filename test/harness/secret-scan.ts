/** Something a test captured: a log file, Events, an object's status, a /metrics page. */
export interface Captured {
  where: string;
  text: string;
}

/** A value that must never leave its Secret (a webhook URL, a Git token, an SSH key). */
export interface SecretValue {
  name: string;
  value: string;
}

/** Pieces of a secret long enough to identify it: the whole value, each line of a key, a URL's path. */
function fragments(value: string): string[] {
  const lines = value.split('\n').map((line) => line.trim()).filter((line) => line.length >= 16 && !/^-----/.test(line));
  let path: string[] = [];
  try {
    const url = new URL(value);
    path = url.pathname.length >= 8 ? [url.pathname] : [];
  } catch {
    // not a URL
  }
  return [...new Set([value.trim(), ...lines, ...path])].filter((f) => f.length >= 8);
}

/** The forms a value takes when it slips out: as is, JSON-escaped, URL-encoded, base64 (a Secret's data). */
const encodings = (fragment: string): string[] => [
  fragment,
  JSON.stringify(fragment).slice(1, -1),
  encodeURIComponent(fragment),
  Buffer.from(fragment).toString('base64'),
];

/**
 * Every place a secret value (or a recognisable piece of it, in any common encoding) appears in
 * what a test captured, as "<secret> in <where>"; [] when nothing leaked.
 */
export function secretLeaks(captured: readonly Captured[], secrets: readonly SecretValue[]): string[] {
  return secrets.flatMap((secret) => {
    const needles = fragments(secret.value).flatMap(encodings);
    return captured.filter((c) => needles.some((needle) => c.text.includes(needle))).map((c) => `${secret.name} in ${c.where}`);
  });
}
