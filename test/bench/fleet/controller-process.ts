import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';

const PAGE_KIB = 1024;
const CLOCK_TICKS_PER_SECOND = 100;

/** A controller under measurement: its own process, sampled from /proc. */
export class ControllerProcess {
  private readonly child: ChildProcess;
  private maxRssKiB = 0;
  private readonly sampler: ReturnType<typeof setInterval>;
  private exited: string | undefined;

  constructor(command: string, args: readonly string[], logFile: string, env: NodeJS.ProcessEnv = process.env) {
    const log = createWriteStream(logFile);
    this.child = spawn(command, [...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.pipe(log);
    this.child.stderr?.pipe(log);
    this.child.on('exit', (code, signal) => {
      this.exited = `exited (${code ?? signal}); its log: ${logFile}`;
    });
    this.sampler = setInterval(() => this.sample(), 1000);
  }

  /** Throws if the controller died: a figure of a dead process means nothing. */
  assertAlive(): void {
    if (this.exited) throw new Error(`the controller ${this.exited}`);
  }

  /** Seconds of CPU (user + system) used so far. */
  cpuSeconds(): number {
    const stat = readFileSync(`/proc/${this.pid()}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  }

  rssMiB(): number {
    this.sample();
    return Math.round(this.maxRssKiB / PAGE_KIB);
  }

  async stop(): Promise<void> {
    clearInterval(this.sampler);
    if (this.exited) return;
    const gone = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(timer);
  }

  private pid(): number {
    this.assertAlive();
    if (this.child.pid === undefined) throw new Error('the controller did not start');
    return this.child.pid;
  }

  private sample(): void {
    if (this.exited || this.child.pid === undefined) return;
    try {
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.child.pid}/status`, 'utf8'))?.[1];
      if (rss) this.maxRssKiB = Math.max(this.maxRssKiB, Number(rss));
    } catch {
      // exited between the check and the read
    }
  }
}
