import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { fileURLToPath, URL } from 'node:url';

/**
 * The pages, styles and scripts as they are written: no build step a user runs. Beside this module
 * in both places it runs from: src/ui/static/ in a checkout (through tsx), and dist/ui/static/ in
 * the package (`npm run build` copies the folder, so the package ships no sources).
 */
export const STATIC_DIR = fileURLToPath(new URL('./static/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};

/** Only plain file names of the kinds above: nothing outside the folder can be named. */
const FILE_NAME = /^[a-z0-9][a-z0-9-]*\.(html|js|css|svg)$/;

/**
 * Scripts only from this server and no inline script or style at all, so a value that slipped
 * through as markup still could not run; the page cannot be framed, and talks only to its origin.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export function contentTypeOf(file: string): string | undefined {
  const match = FILE_NAME.exec(file);
  return match?.[1] ? CONTENT_TYPES[match[1]] : undefined;
}

/** Serves one file of STATIC_DIR; false when there is no such file (the caller answers 404). */
export async function serveStatic(res: ServerResponse, file: string, dir = STATIC_DIR): Promise<boolean> {
  const type = contentTypeOf(file);
  if (!type) return false;
  let body: Buffer;
  try {
    body = await readFile(`${dir}${file}`);
  } catch {
    return false;
  }
  res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': type, 'cache-control': 'no-cache' });
  res.end(body);
  return true;
}
