import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeOnExit, terminate } from './exit-cleanup.js';
import { freePort } from './loopback-server.js';
import { answersOk, notStarted, spawnServer, untilReady } from './server-process.js';

/** What test/metric-servers/build-influxdb builds (keep the two in step). */
export const INFLUXDB_VERSION = 'v2.7.11';

export interface InfluxServer {
  /** `http://127.0.0.1:<port>`: what a MetricTemplate's provider.address should be. */
  url: string;
  /** Set up at start: the org, its bucket and an all-access operator token (provider.secretRef's `org` and `token`). */
  org: string;
  bucket: string;
  token: string;
  logFile: string;
  /** Writes line protocol (timestamps in seconds) to the bucket; InfluxDB answers once the points are queryable. */
  write(lines: readonly string[]): Promise<void>;
  stop(): Promise<void>;
}

export interface InfluxOptions {
  /** Default the cache dir build-influxdb fills. */
  binary?: string;
  /** The bucket set up at start; default `pennant` (Flagger's docs query one called `default`). */
  bucket?: string;
  /** Default 60 s. */
  readyTimeoutMs?: number;
}

const defaultBinary = (): string =>
  join(process.env.PENNANT_CACHE ?? join(homedir(), '.cache', 'pennant'), 'bin', `influxdb-${INFLUXDB_VERSION}`, 'influxd');

/** A private influxd on loopback (its bolt, sqlite and engine files in a temp dir that stop() removes), set up and ready. */
export async function startInfluxdb(options: InfluxOptions = {}): Promise<InfluxServer> {
  const binary = options.binary ?? defaultBinary();
  if (!existsSync(binary)) {
    throw new Error(`influxd not found at ${binary}: build it with test/metric-servers/build-influxdb (InfluxDB ${INFLUXDB_VERSION} from its Go module; ~15 min cold)`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'pennant-influxdb-'));
  const removed = removeOnExit(dir);
  const logFile = join(dir, 'influxd.log');
  let child: ChildProcess | undefined;
  const stop = async (): Promise<void> => {
    if (child) await terminate(child);
    await rm(dir, { recursive: true, force: true });
    removed();
  };
  try {
    const url = `http://127.0.0.1:${await freePort()}`;
    child = spawnServer({ command: binary, args: influxdArgs(dir, url), logFile, cwd: dir });
    const outcome = await untilReady(child, answersOk(`${url}/health`), options.readyTimeoutMs ?? 60_000);
    if (outcome !== 'ready') throw notStarted(`influxd (${binary})`, outcome, child, logFile);
    const account = { org: 'pennant', bucket: options.bucket ?? 'pennant', token: 'pennant-integration-token' };
    await setUp(url, account);
    return { url, ...account, logFile, write: (lines) => writeLines(url, account, lines), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function influxdArgs(dir: string, url: string): string[] {
  return [
    `--bolt-path=${join(dir, 'influxd.bolt')}`,
    `--sqlite-path=${join(dir, 'influxd.sqlite')}`,
    `--engine-path=${join(dir, 'engine')}`,
    `--http-bind-address=${new URL(url).host}`,
    '--reporting-disabled',
    '--log-level=warn',
  ];
}

interface Account {
  org: string;
  bucket: string;
  token: string;
}

/** The onboarding a user does once (POST /api/v2/setup): first user, org, bucket and operator token. */
async function setUp(url: string, account: Account): Promise<void> {
  const response = await fetch(`${url}/api/v2/setup`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'pennant', password: 'pennant-integration', ...account }),
  });
  if (response.status !== 201) throw new Error(`influxd setup answered ${response.status}: ${await response.text()}`);
}

async function writeLines(url: string, account: Account, lines: readonly string[]): Promise<void> {
  const query = new URLSearchParams({ org: account.org, bucket: account.bucket, precision: 's' });
  const response = await fetch(`${url}/api/v2/write?${query}`, {
    method: 'POST',
    headers: { Authorization: `Token ${account.token}`, 'Content-Type': 'text/plain; charset=utf-8' },
    body: lines.join('\n'),
  });
  if (response.status !== 204) throw new Error(`influxd write answered ${response.status}: ${await response.text()}`);
}
