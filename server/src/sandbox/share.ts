/**
 * Inside a sandbox process: what share of a core its threads get while they want one —
 * 1 on a machine with cores to spare, much less on one whose cores other processes keep
 * busy. A call's CPU time is about the wall time its isolate held its thread times this
 * share (timing.ts).
 *
 * isolated-vm's own `cpuTime` cannot tell: with its prebuilt Linux binaries it advances
 * with wall time (it counts a thread that sleeps in `Atomics.wait`, and a thread that a
 * busy machine leaves waiting, as running). Linux keeps, per thread, the time it ran and
 * the time it waited for a core (`/proc/self/task/<tid>/schedstat`); summed over the
 * process's threads, their ratio is the share. Where there is no such file the share is
 * taken as 1: wall time counts as CPU time, as isolated-vm's timeout counts it.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** How often the threads are read while calls run. */
const SAMPLE_MS = 100;
/** A sample this recent stands for now: many calls looked at together read the threads once. */
const FRESH_MS = 20;
/** Sampling goes on this long after the last call, so a steady trickle of calls does not start it anew each time. */
const LINGER_MS = 2000;
/** Samples kept: enough to cover the longest call's time limit. */
const MAX_SAMPLES = 1200;
const TASKS = '/proc/self/task';

interface Sample {
  at: number;
  /** Per thread: nanoseconds run, nanoseconds waited for a core. */
  threads: Map<string, [number, number]>;
}

function readThreads(): Map<string, [number, number]> {
  const threads = new Map<string, [number, number]>();
  for (const tid of readdirSync(TASKS)) {
    let text: string;
    try {
      text = readFileSync(`${TASKS}/${tid}/schedstat`, 'utf8');
    } catch (error) {
      // A thread that ended between the listing and the read has nothing more to say.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ESRCH') continue;
      throw error;
    }
    const [run, wait] = text.split(' ');
    threads.set(tid, [Number(run), Number(wait)]);
  }
  return threads;
}

function supported(): boolean {
  try {
    readThreads();
    return true;
  } catch {
    // No /proc (macOS, Windows) or no scheduler statistics in this kernel: wall time it is.
    return false;
  }
}

export class CoreShare {
  private readonly samples: Sample[] = [];
  private timer?: NodeJS.Timeout;
  private lastUse = 0;
  private readonly enabled: boolean;

  constructor(enabled = supported()) {
    this.enabled = enabled;
  }

  /** A call starts running: sampling runs (or goes on) while calls do. */
  use(): void {
    if (!this.enabled) return;
    this.lastUse = Date.now();
    if (this.timer) return;
    this.sample();
    this.timer = setInterval(() => {
      if (Date.now() - this.lastUse > LINGER_MS) {
        clearInterval(this.timer);
        this.timer = undefined;
        return;
      }
      this.sample();
    }, SAMPLE_MS);
    this.timer.unref();
  }

  /**
   * The share since `since` (a Date.now() time): from the last sample taken at or before
   * it (or the earliest kept) to now. 1 without the data to tell.
   */
  since(since: number): number {
    if (!this.enabled) return 1;
    this.lastUse = Date.now();
    const latest = this.samples.at(-1);
    const now = latest && this.lastUse - latest.at <= FRESH_MS && latest.at > since ? latest : this.sample();
    // The newest sample taken at or before `since`; failing that, the oldest kept.
    let base = this.samples[0]!;
    for (const sample of this.samples) {
      if (sample === now || sample.at > since) break;
      base = sample;
    }
    let ran = 0;
    let waited = 0;
    for (const [tid, [run, wait]] of now.threads) {
      const before = base.threads.get(tid) ?? [0, 0];
      ran += run - before[0];
      waited += wait - before[1];
    }
    return ran + waited > 0 ? ran / (ran + waited) : 1;
  }

  private sample(): Sample {
    const sample = { at: Date.now(), threads: readThreads() };
    this.samples.push(sample);
    if (this.samples.length > MAX_SAMPLES) this.samples.shift();
    return sample;
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
