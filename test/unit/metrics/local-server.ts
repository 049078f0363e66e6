import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A request as the test server saw it. */
export interface SeenRequest {
  method: string;
  path: string;
  search: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type Handler = (req: SeenRequest, res: http.ServerResponse) => void;

export interface LocalServer {
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

/** A real HTTP(S) server on 127.0.0.1, on a free port; records every request. */
export async function startServer(handler: Handler, tls?: { key: string; cert: string }): Promise<LocalServer> {
  const requests: SeenRequest[] = [];
  const listener: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://local');
      const seen = { method: req.method ?? '', path: url.pathname, search: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString() };
      requests.push(seen);
      handler(seen, res);
    });
  };
  const server = tls ? https.createServer(tls, listener) : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A URL on which nothing listens: a server is started, and closed again. */
export async function closedPortUrl(): Promise<string> {
  const server = await startServer(() => undefined);
  await server.close();
  return server.url;
}

export function json(res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export function text(res: http.ServerResponse, status: number, body: string, contentType = 'text/plain'): void {
  res.writeHead(status, { 'Content-Type': contentType });
  res.end(body);
}

/** A throwaway self-signed certificate for 127.0.0.1, made with openssl; undefined when it is missing. */
export function selfSignedCert(openssl = 'openssl'): { key: string; cert: string } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'pennant-cert-'));
  try {
    execFileSync(openssl, [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface TlsTestCert {
  /** Only on a developer's machine without openssl: CI (CI=true) never skips, as with the integration tier. */
  skip: boolean;
  /** The certificate; throws, failing the test, when openssl could not make one. */
  cert(): { key: string; cert: string };
}

/** The certificate of the TLS tests: `it.skipIf(tls.skip)(…, () => serve(tls.cert()))`. */
export function tlsTestCert(env: Record<string, string | undefined> = process.env, openssl = 'openssl'): TlsTestCert {
  const made = selfSignedCert(openssl);
  return {
    skip: made === undefined && env.CI !== 'true',
    cert: () => {
      if (made) return made;
      throw new Error(`the TLS tests need ${openssl} to make a self-signed certificate, and CI never skips them: install openssl`);
    },
  };
}
