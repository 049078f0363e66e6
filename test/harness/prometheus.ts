import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { killOnExit, removeOnExit, terminate } from './exit-cleanup.js';
import { freePort } from './loopback-server.js';
import { allScraped, instantQuery, type PromSample } from './prometheus-api.js';
import { answersOk, tail, untilReady } from './server-process.js';
import { waitUntil } from './wait.js';

export type { PromSample };

export interface PrometheusOptions {
  /** `host:port` targets to scrape at /metrics; more can be added later. */
  scrapeTargets?: readonly string[];
  /** Default 1. */
  scrapeIntervalSeconds?: number;
  /** Default /usr/bin/prometheus (Debian's `prometheus` package). */
  binary?: string;
  /** Default 30 s. */
  readyTimeoutMs?: number;
}

export interface PrometheusServer {
  /** `http://127.0.0.1:<port>`: what Pennant's metricsServer should be. */
  url: string;
  logFile: string;
  /** The Prometheus process, for resource measurements. */
  pid: number | undefined;
  /** How long start took until /-/ready answered, in ms. */
  startupMs: number;
  /** Instant query; a scalar answer is one sample without labels. */
  query(promql: string): Promise<PromSample[]>;
  /** The single value of an instant query; null when there is no sample. */
  queryValue(promql: string): Promise<number | null>;
  /** Replace the scrape targets (picked up within about a second). */
  setTargets(targets: readonly string[]): Promise<void>;
  addTargets(targets: readonly string[]): Promise<void>;
  /** Resolves once every current target is up and has been scraped. */
  waitForScrape(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const DEFAULT_BINARY = '/usr/bin/prometheus';

/** A private Prometheus on loopback, its config and TSDB in a temp dir that stop() removes. */
export async function startPrometheus(options: PrometheusOptions = {}): Promise<PrometheusServer> {
  const binary = options.binary ?? DEFAULT_BINARY;
  if (!existsSync(binary)) {
    throw new Error(`Prometheus not found at ${binary}: install it with \`apt-get install prometheus\` (Debian package, 2.42)`);
  }
  const began = Date.now();
  const dir = await mkdtemp(join(tmpdir(), 'pennant-prometheus-'));
  const removed = removeOnExit(dir);
  const targetsFile = join(dir, 'targets.json');
  let targets = [...(options.scrapeTargets ?? [])];
  const writeTargets = async (): Promise<void> => {
    // Write then rename: Prometheus must never read a half-written file.
    await writeFile(`${targetsFile}.tmp`, JSON.stringify([{ targets, labels: {} }]));
    await rename(`${targetsFile}.tmp`, targetsFile);
  };
  await writeTargets();
  const interval = `${options.scrapeIntervalSeconds ?? 1}s`;
  const configFile = join(dir, 'prometheus.yml');
  await writeFile(
    configFile,
    stringify({
      global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
      scrape_configs: [{ job_name: 'pennant-harness', file_sd_configs: [{ files: [targetsFile], refresh_interval: '1s' }] }],
    }),
  );
  const logFile = join(dir, 'prometheus.log');

  let child: ChildProcess | undefined;
  let url = '';
  try {
    // The port is free when picked but could be taken before Prometheus binds it: try a few.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      child = launch(binary, dir, configFile, logFile, port);
      const outcome = await untilReady(child, answersOk(`${url}/-/ready`), options.readyTimeoutMs ?? 30_000);
      if (outcome === 'ready') break;
      const log = tail(logFile);
      if (outcome === 'exited' && log.includes('address already in use') && attempt < 3) continue;
      throw new Error(
        `Prometheus (${binary}) ${outcome === 'exited' ? `exited with ${child.exitCode ?? child.signalCode}` : 'did not become ready in time'}` +
          `; last lines of ${logFile}:\n${log}`,
      );
    }
  } catch (err) {
    if (child) await terminate(child);
    await rm(dir, { recursive: true, force: true });
    removed();
    throw err;
  }
  const running = child;
  const startupMs = Date.now() - began;

  const query = (promql: string): Promise<PromSample[]> => instantQuery(url, promql);

  return {
    url,
    logFile,
    pid: running.pid,
    startupMs,
    query,
    queryValue: async (promql) => (await query(promql))[0]?.value ?? null,
    setTargets: async (next) => {
      targets = [...next];
      await writeTargets();
    },
    addTargets: async (more) => {
      targets = [...new Set([...targets, ...more])];
      await writeTargets();
    },
    waitForScrape: async (timeoutMs = 15_000) => {
      await waitUntil(async () => allScraped(url, targets), { timeoutMs, what: `Prometheus to scrape ${targets.join(', ')}` });
    },
    stop: async () => {
      await terminate(running);
      await rm(dir, { recursive: true, force: true });
      removed();
    },
  };
}

function launch(binary: string, dir: string, configFile: string, logFile: string, port: number): ChildProcess {
  const log = openSync(logFile, 'a');
  const child = spawn(
    binary,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      '--storage.tsdb.retention.time=2h',
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', log, log] },
  );
  closeSync(log);
  killOnExit(child);
  return child;
}
