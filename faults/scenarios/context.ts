/**
 * What a scenario works with: its Junction (the stack), the suite's dice and form, and
 * the moves most scenarios make — put orders under load, kill or freeze a worker while
 * following how soon its runs move again — each noted for the report.
 */
import type { Cluster } from '../cluster.ts';
import type { Delivery } from '../load.ts';
import { LoadGenerator } from '../load.ts';
import type { JunctionProcess } from '../processes.ts';
import type { Dice } from '../random.ts';
import { ResumeWatch } from '../resume.ts';
import type { Stack } from '../stack.ts';
import { createOrderFlow, type FlowUnderTest } from '../workflows.ts';

export type Form = 'short' | 'long';

export interface Scenario {
  id: string;
  title: string;
  /** Worker processes to start with (default 2). */
  workers?: number;
  /** Settings for its processes, over the suite's (JUNCTION_...). */
  env?: Record<string, string>;
  /** How long runs may take to finish once the faults are over (default 90 s short, 300 s long; less once nothing moves for 20 s and no run waits for a retry). */
  settleMs?: Partial<Record<Form, number>>;
  run(ctx: ScenarioContext): Promise<void>;
}

export class ScenarioContext {
  readonly stack: Stack;
  /** The suite's PostgreSQL, to restart or kill. */
  readonly cluster: Cluster;
  readonly form: Form;
  readonly dice: Dice;
  readonly resume: ResumeWatch;
  /** The workflows whose runs the checks look at. */
  readonly flows: FlowUnderTest[] = [];
  /** Deliveries the checks account for. */
  readonly loads: LoadGenerator[] = [];
  /** What was done to the system, for the report. */
  readonly faults: string[] = [];
  private readonly id: string;
  private readonly started = Date.now();

  constructor(id: string, stack: Stack, cluster: Cluster, form: Form, dice: Dice) {
    this.id = id;
    this.stack = stack;
    this.cluster = cluster;
    this.form = form;
    this.dice = dice;
    this.resume = new ResumeWatch(stack.db);
  }

  get long(): boolean {
    return this.form === 'long';
  }

  /** A progress line on stderr (the suite takes minutes; say what it is doing). */
  say(message: string): void {
    process.stderr.write(`faults: ${this.id} +${((Date.now() - this.started) / 1000).toFixed(1)}s ${message}\n`);
  }

  note(fault: string): void {
    this.faults.push(fault);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** Every delivery of every load, for the checks. */
  deliveries(): Delivery[] {
    return this.loads.flatMap((load) => load.deliveries);
  }

  /** The order flow and a storefront posting `rate` signed deliveries a second to it (not started). */
  async orders(rate: number, path = 'orders'): Promise<{ flow: FlowUnderTest; load: LoadGenerator }> {
    const flow = await createOrderFlow(this.stack, path);
    this.flows.push(flow);
    const load = new LoadGenerator({ apiUrl: this.stack.apiUrl, path: flow.path, secret: flow.secret, rate, prefix: `${this.id}-${path}` });
    this.loads.push(load);
    return { flow, load };
  }

  /**
   * Kills a worker with SIGKILL and follows its runs until another worker moves them.
   * The runs it held are read right after the kill: a dead process changes nothing more.
   */
  async killWorker(worker: JunctionProcess): Promise<void> {
    const at = Date.now();
    await this.stack.stopWorker(worker, 'SIGKILL');
    this.resume.watch(worker.name, at, await this.resume.held(worker.workerId!));
  }

  /** SIGSTOP: the worker freezes with its runs, connections and locks; follows those runs. */
  async freezeWorker(worker: JunctionProcess): Promise<void> {
    const held = await this.resume.held(worker.workerId!);
    const at = Date.now();
    worker.pause();
    this.resume.watch(worker.name, at, held);
  }

  private readonly starting = new Set<Promise<unknown>>();
  private readonly startFailures: Error[] = [];

  /**
   * Kills a random ready worker with SIGKILL and starts a replacement without waiting for
   * it (a start takes seconds). At least one worker stays up: with fewer than two ready,
   * it first waits for a replacement — and only then for `moment`, the instant to strike.
   */
  async replaceRandomWorker(moment?: () => Promise<void>): Promise<void> {
    while (this.stack.workers.length < 2 && this.starting.size > 0) await Promise.race(this.starting);
    // Every replacement failed to start (a machine too loaded to start a process in time):
    // one more, waited for, so there is a worker to strike and the runs go on.
    if (this.stack.workers.length === 0) await this.stack.startWorker();
    await moment?.();
    await this.killWorker(this.dice.pick(this.stack.workers));
    const replacement = this.stack.startWorker().catch((error: Error) => this.startFailures.push(error));
    this.starting.add(replacement);
    void replacement.finally(() => this.starting.delete(replacement));
  }

  /** Waits for workers still starting; throws if one could not start. */
  async finish(): Promise<void> {
    await Promise.allSettled([...this.starting]);
    if (this.startFailures.length > 0) throw new Error(`a worker did not start: ${this.startFailures[0]!.message}`, { cause: this.startFailures[0] });
  }
}
