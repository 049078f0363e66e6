import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeOnExit, terminate } from './exit-cleanup.js';
import { freePort } from './loopback-server.js';
import { answersOk, notStarted, spawnServer, untilReady } from './server-process.js';
import { waitUntil } from './wait.js';

export interface GraphitePoint {
  /** A dotted metric path: `stats.timers.app.podinfo.count`. */
  path: string;
  value: number;
  /** Seconds since the epoch; default now. */
  timestamp?: number;
}

export interface GraphiteServer {
  /** graphite-web, `http://127.0.0.1:<port>`: what a MetricTemplate's provider.address should be. */
  url: string;
  /** carbon-cache's plaintext (line) receiver. */
  linePort: number;
  /** Where carbon-cache and graphite-web log (carbon.log, web.log, webapp/exception.log). */
  logDir: string;
  /** Sends the points over the plaintext protocol; resolves once graphite-web renders the last point of each path. */
  write(points: readonly GraphitePoint[]): Promise<void>;
  stop(): Promise<void>;
}

export interface GraphiteOptions {
  /** Default 60 s: graphite-web's first request imports Django and every render function. */
  readyTimeoutMs?: number;
}

// Debian's graphite-carbon, graphite-web and python3-whisper. graphite-web runs under Debian's own
// interpreter, where its Django is installed (a pyenv `python3` on PATH has none).
const CARBON = '/usr/bin/carbon-cache';
const PYTHON = '/usr/bin/python3';
const GRAPHITE_WEB = '/usr/lib/python3/dist-packages/graphite';

interface Ports {
  line: number;
  pickle: number;
  cacheQuery: number;
  web: number;
}

/**
 * carbon-cache (whisper files, one-second points kept a day) and graphite-web's render API (Django's
 * development server) over one storage dir in a temp dir that stop() removes. graphite-web asks
 * carbon-cache for points not yet flushed to disk (CARBONLINK_HOSTS), as a real install does.
 */
export async function startGraphite(options: GraphiteOptions = {}): Promise<GraphiteServer> {
  for (const file of [CARBON, PYTHON, GRAPHITE_WEB]) {
    if (!existsSync(file)) {
      throw new Error(`${file} not found: install graphite with \`apt-get install graphite-carbon graphite-web python3-whisper\` (Debian packages)`);
    }
  }
  const dir = await mkdtemp(join(tmpdir(), 'pennant-graphite-'));
  const removed = removeOnExit(dir);
  const logDir = join(dir, 'log');
  const children: ChildProcess[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(children.map((child) => terminate(child)));
    await rm(dir, { recursive: true, force: true });
    removed();
  };
  try {
    const ports: Ports = { line: await freePort(), pickle: await freePort(), cacheQuery: await freePort(), web: await freePort() };
    await writeConfig(dir, ports);
    const timeoutMs = options.readyTimeoutMs ?? 60_000;
    children.push(await startCarbon(dir, ports, timeoutMs));
    children.push(await startWeb(dir, ports, timeoutMs));
    const url = `http://127.0.0.1:${ports.web}`;
    return { url, linePort: ports.line, logDir, write: (points) => write(url, ports.line, points), stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

async function writeConfig(dir: string, ports: Ports): Promise<void> {
  const storage = join(dir, 'storage');
  await mkdir(join(storage, 'whisper'), { recursive: true });
  await mkdir(join(dir, 'log', 'webapp'), { recursive: true });
  await mkdir(join(dir, 'conf'));
  await mkdir(join(dir, 'web'));
  await writeFile(join(dir, 'conf', 'carbon.conf'), carbonConf(dir, ports));
  await writeFile(join(dir, 'conf', 'storage-schemas.conf'), '[default]\npattern = .*\nretentions = 1s:1d\n');
  await writeFile(join(dir, 'web', 'pennant_graphite_settings.py'), webSettings(dir, ports));
}

function carbonConf(dir: string, ports: Ports): string {
  const storage = join(dir, 'storage');
  return `[cache]
STORAGE_DIR = ${storage}/
LOCAL_DATA_DIR = ${storage}/whisper/
WHITELISTS_DIR = ${storage}/lists/
CONF_DIR = ${dir}/conf/
LOG_DIR = ${dir}/log/
PID_DIR = ${dir}/
DATABASE = whisper
USER =
MAX_CACHE_SIZE = inf
MAX_UPDATES_PER_SECOND = inf
MAX_CREATES_PER_MINUTE = inf
LINE_RECEIVER_INTERFACE = 127.0.0.1
LINE_RECEIVER_PORT = ${ports.line}
ENABLE_UDP_LISTENER = False
PICKLE_RECEIVER_INTERFACE = 127.0.0.1
PICKLE_RECEIVER_PORT = ${ports.pickle}
CACHE_QUERY_INTERFACE = 127.0.0.1
CACHE_QUERY_PORT = ${ports.cacheQuery}
# Tags would be posted to graphite-web's tag database, which needs its Django tables.
ENABLE_TAGS = False
`;
}

/** graphite-web's local settings (graphite/settings.py imports GRAPHITE_SETTINGS_MODULE); JSON strings are Python literals. */
function webSettings(dir: string, ports: Ports): string {
  const storage = join(dir, 'storage');
  const py = (value: unknown): string => JSON.stringify(value);
  return [
    `SECRET_KEY = ${py('pennant-integration-tests-only')}`,
    `GRAPHITE_ROOT = ${py('/usr/share/graphite-web')}`,
    `STORAGE_DIR = ${py(storage)}`,
    `WHISPER_DIR = ${py(join(storage, 'whisper'))}`,
    `STANDARD_DIRS = [${py(join(storage, 'whisper'))}]`,
    `INDEX_FILE = ${py(join(storage, 'index'))}`,
    `LOG_DIR = ${py(join(dir, 'log', 'webapp'))}`,
    `CARBONLINK_HOSTS = [${py(`127.0.0.1:${ports.cacheQuery}`)}]`,
    `DATABASES = {"default": {"NAME": ${py(join(storage, 'graphite.db'))}, "ENGINE": "django.db.backends.sqlite3"}}`,
    `ALLOWED_HOSTS = ["127.0.0.1", "localhost"]`,
    'DEBUG = False',
    '',
  ].join('\n');
}

async function startCarbon(dir: string, ports: Ports, timeoutMs: number): Promise<ChildProcess> {
  const logFile = join(dir, 'log', 'carbon.log');
  const child = spawnServer({
    command: CARBON,
    args: [`--config=${join(dir, 'conf', 'carbon.conf')}`, `--pidfile=${join(dir, 'carbon.pid')}`, '--nodaemon', '--debug', 'start'],
    logFile,
    cwd: dir,
  });
  const outcome = await untilReady(child, () => accepts(ports.line), timeoutMs);
  if (outcome !== 'ready') throw notStarted(`carbon-cache (${CARBON})`, outcome, child, logFile);
  return child;
}

async function startWeb(dir: string, ports: Ports, timeoutMs: number): Promise<ChildProcess> {
  const logFile = join(dir, 'log', 'web.log');
  const child = spawnServer({
    command: PYTHON,
    // --noreload: one process, no autoreloader forking a second one.
    args: ['-m', 'django', 'runserver', '--noreload', `127.0.0.1:${ports.web}`],
    logFile,
    cwd: dir,
    env: { PYTHONPATH: join(dir, 'web'), GRAPHITE_SETTINGS_MODULE: 'pennant_graphite_settings', DJANGO_SETTINGS_MODULE: 'graphite.settings' },
  });
  const outcome = await untilReady(child, answersOk(`http://127.0.0.1:${ports.web}/render?target=test&format=json`), timeoutMs);
  if (outcome !== 'ready') throw notStarted('graphite-web (Django runserver)', outcome, child, logFile);
  return child;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function write(url: string, linePort: number, points: readonly GraphitePoint[]): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const lines = points.map((p) => ({ ...p, timestamp: p.timestamp ?? now }));
  await sendLines(linePort, lines.map((p) => `${p.path} ${p.value} ${p.timestamp}\n`).join(''));
  const last = new Map<string, Required<GraphitePoint>>();
  for (const p of lines) if ((last.get(p.path)?.timestamp ?? -Infinity) <= p.timestamp) last.set(p.path, p);
  for (const p of last.values()) {
    await waitUntil(async () => (await renderedAt(url, p.path, p.timestamp)) === p.value, { timeoutMs: 30_000, what: `graphite-web to render ${p.path} = ${p.value}` });
  }
}

function sendLines(port: number, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(text));
    socket.once('error', reject);
    socket.once('close', () => resolve());
  });
}

async function renderedAt(url: string, path: string, timestamp: number): Promise<number | null | undefined> {
  const query = new URLSearchParams({ target: path, from: String(timestamp - 1), until: String(timestamp + 1), format: 'json' });
  const series = (await (await fetch(`${url}/render?${query}`)).json()) as { datapoints: [number | null, number][] }[];
  return series[0]?.datapoints.find(([, at]) => at === timestamp)?.[0];
}
