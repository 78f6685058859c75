/**
 * The suite's dice: a seeded generator (mulberry32), so the faults of a run can be asked
 * for again with `--seed`. Timing still varies from run to run (processes, the machine),
 * so a seed repeats the plan, not every outcome.
 */
export class Dice {
  readonly seed: number;
  private state: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    this.state = this.seed;
  }

  /** A number in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(choices: readonly T[]): T {
    return choices[Math.floor(this.next() * choices.length)]!;
  }

  /** A new generator for one part of the suite, so parts do not shift each other's draws. */
  fork(): Dice {
    return new Dice(Math.floor(this.next() * 4294967296));
  }
}
