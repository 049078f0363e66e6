import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { killOnExit } from './exit-cleanup.js';
import { gitEnv } from './git-exec.js';

/**
 * Serves one smart-HTTP request by running `git http-backend` as a CGI: the request goes in as
 * environment and stdin, the CGI headers (with `Status:`) and body come back on stdout.
 */
export function serveGitRequest(root: string, req: IncomingMessage, res: ServerResponse, remoteUser: string | undefined): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const header = (name: string): string => {
    const value = req.headers[name];
    return Array.isArray(value) ? value.join(', ') : (value ?? '');
  };
  const env: NodeJS.ProcessEnv = {
    ...gitEnv(),
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: '1',
    // Pushing over HTTP is off unless a user authenticated; tests push without one.
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'http.receivepack',
    GIT_CONFIG_VALUE_0: 'true',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.replace(/^\?/, ''),
    REQUEST_METHOD: req.method ?? 'GET',
    CONTENT_TYPE: header('content-type'),
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    ...(req.headers['content-length'] ? { CONTENT_LENGTH: header('content-length') } : {}),
    ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: header('content-encoding') } : {}),
    ...(req.headers['git-protocol'] ? { HTTP_GIT_PROTOCOL: header('git-protocol') } : {}),
    ...(remoteUser ? { REMOTE_USER: remoteUser } : {}),
  };
  const cgi = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  killOnExit(cgi);
  req.pipe(cgi.stdin);
  let stderr = '';
  cgi.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let head = Buffer.alloc(0);
  let headersDone = false;
  cgi.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = headerEnd(head);
    if (!end) return;
    headersDone = true;
    writeCgiHeaders(res, head.subarray(0, end.at).toString('latin1'));
    res.write(head.subarray(end.at + end.length));
  });
  cgi.on('close', (code) => {
    if (!headersDone) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`git http-backend exited with ${code}: ${stderr}`);
      return;
    }
    res.end();
  });
}

function headerEnd(buf: Buffer): { at: number; length: number } | undefined {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf <= lf)) return { at: crlf, length: 4 };
  if (lf >= 0) return { at: lf, length: 2 };
  return undefined;
}

function writeCgiHeaders(res: ServerResponse, block: string): void {
  let status = 200;
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 500;
    else res.setHeader(name, value);
  }
  res.statusCode = status;
}
