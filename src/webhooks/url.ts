/**
 * Webhook URLs may carry credentials: userinfo, a token in the query string, or a secret path (as
 * Slack-style URLs do). Messages name a hook's server as scheme://host only (the hook's name says
 * which hook it is), and scrub the URL's parts from any error text a library produced.
 */
export function describeServer(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.protocol}//${url.host}`;
  } catch {
    return 'an invalid URL';
  }
}

/** Removes the URL, its userinfo, path and query string from a message, in case a library echoed them. */
export function scrubUrl(message: string, raw: string): string {
  const secrets = [raw, ...secretParts(raw)].filter((part) => part.length >= 3);
  return secrets.reduce((text, secret) => text.split(secret).join('***'), message);
}

function secretParts(raw: string): string[] {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return [];
  }
  const parts = [url.search.slice(1), url.pathname === '/' ? '' : url.pathname, url.password, url.username];
  return [...parts, ...parts.map(safeDecode)];
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
