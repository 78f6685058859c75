/**
 * Item lineage: which item of an earlier step the current item descends from, for
 * `$node("Name").item` / `.json` / `.itemMatching(i)`. Pure: it reads the run's step
 * outputs and the graph's edges, and is resolved on the host before the sandbox call,
 * so the guest receives, per item, only an index into the named node's output.
 *
 * A step's input is what its sources emitted on the connected ports, in edge order
 * (plan.ts `inputOf`); each emitted item's `pairedItem` names the input item(s) of its
 * own step it came from. Following those back from the current item until the named node
 * gives the answer:
 *
 * - exactly one item of the named node: that item;
 * - several different ones (an item made from many): ambiguous;
 * - a step on the way emitted the item without `pairedItem`: unknown;
 * - the path reaches the trigger without passing the named node: it descends from none.
 *
 * When the answer is not one item and the named node emitted exactly one item, that item
 * is the answer (as in n8n): a lookup step that ran once is what every later item means.
 */
import { pairedIndexes, type Item, type PairedItem, type PortItems } from '@junction/nodes';
import type { Paired } from '../sandbox/index.ts';
import type { GraphShape } from './core/plan.ts';

/** A step's output as `$node("Name")` reads it: ports in a fixed order, flattened. */
export interface StepOutput {
  items: Item[];
  /** Where each port's items are in `items`. */
  ports: Record<string, { start: number; length: number }>;
}

/**
 * What the walk needs of a step's output: where each port's items are in it (as
 * `flattenOutput` orders them) and each item's `pairedItem` — not the items' data.
 */
export interface LineageOutput {
  count: number;
  ports: StepOutput['ports'];
  pairedItem(index: number): PairedItem | undefined;
}

/** What the walk needs from the run: its edges, its trigger, and each step's output. */
export interface RunOutputs {
  incoming: GraphShape['incoming'];
  triggerNodeId: string;
  output(nodeId: string): LineageOutput | null;
  nameOf(nodeId: string): string;
}

/** A flattened output as the walk reads it. */
export function lineageOf(output: StepOutput): LineageOutput {
  return { count: output.items.length, ports: output.ports, pairedItem: (index) => output.items[index]?.pairedItem };
}

/**
 * The items of a step's output, the ports of its node type first in their declared order
 * (a port order that does not depend on how the output was stored), then any others.
 */
export function flattenOutput(output: PortItems, ports: readonly string[]): StepOutput {
  const items: Item[] = [];
  const ranges: StepOutput['ports'] = {};
  const add = (port: string) => {
    const emitted = output[port];
    if (!emitted || Object.hasOwn(ranges, port)) return;
    ranges[port] = { start: items.length, length: emitted.length };
    for (const item of emitted) items.push(item);
  };
  for (const port of ports) add(port);
  for (const port of Object.keys(output)) add(port);
  return { items, ports: ranges };
}

// Walk results: an index into the named node's output (>= 0), or one of these.
const NONE = -1; // this path reached no item of the named node
const MANY = -2; // several different items of the named node
const UNSEEN = -3; // memo: not walked yet
// A problem (lineage unknown) is -(4 + k) for problems[k].
const PROBLEM_BASE = 4;

/** An input item of a step: which edge brought it and its index in the source's flattened output. */
interface Origins {
  edge: Int32Array;
  at: Int32Array;
  sources: string[];
}

class LineageWalk {
  private readonly run: RunOutputs;
  private readonly target: string;
  private readonly origins = new Map<string, Origins>();
  /** Each step's output flattened once per walk, not once per item. */
  private readonly outputs = new Map<string, LineageOutput | null>();
  private readonly memo = new Map<string, Int32Array>();
  readonly problems: string[] = [];
  private readonly problemCodes = new Map<string, number>();

  constructor(run: RunOutputs, target: string) {
    this.run = run;
    this.target = target;
  }

  problem(message: string): number {
    let code = this.problemCodes.get(message);
    if (code === undefined) {
      code = -(PROBLEM_BASE + this.problems.length);
      this.problems.push(message);
      this.problemCodes.set(message, code);
    }
    return code;
  }

  private output(nodeId: string): LineageOutput | null {
    let output = this.outputs.get(nodeId);
    if (output === undefined) {
      output = this.run.output(nodeId);
      this.outputs.set(nodeId, output);
    }
    return output;
  }

  private originsOf(nodeId: string): Origins {
    let origins = this.origins.get(nodeId);
    if (origins) return origins;
    const edges = this.run.incoming.get(nodeId) ?? [];
    const ranges = edges.map((edge) => this.output(edge.source)?.ports[edge.sourcePort] ?? { start: 0, length: 0 });
    const count = ranges.reduce((sum, range) => sum + range.length, 0);
    origins = { edge: new Int32Array(count), at: new Int32Array(count), sources: edges.map((edge) => edge.source) };
    let j = 0;
    ranges.forEach(({ start, length }, e) => {
      for (let k = 0; k < length; k++, j++) {
        origins.edge[j] = e;
        origins.at[j] = start + k;
      }
    });
    this.origins.set(nodeId, origins);
    return origins;
  }

  /** What input item `index` of step `nodeId` descends from in the named node. */
  reach(nodeId: string, index: number): number {
    let memo = this.memo.get(nodeId);
    if (!memo) {
      memo = new Int32Array(this.originsOf(nodeId).at.length).fill(UNSEEN);
      this.memo.set(nodeId, memo);
    }
    if (index >= memo.length) {
      return this.problem(`an item of "${this.run.nameOf(nodeId)}" has pairedItem ${index}, which names an input item it did not receive`);
    }
    if (memo[index] !== UNSEEN) return memo[index]!;
    const result = this.walk(nodeId, index);
    memo[index] = result;
    return result;
  }

  private walk(nodeId: string, index: number): number {
    const origins = this.originsOf(nodeId);
    const source = origins.sources[origins.edge[index]!]!;
    const at = origins.at[index]!;
    if (source === this.target) return at;
    if (source === this.run.triggerNodeId) return NONE;
    const indexes = pairedIndexes(this.output(source)!.pairedItem(at));
    if (indexes.length === 0) {
      return this.problem(`paired item data unavailable: "${this.run.nameOf(source)}" emitted items without saying which input item each came from (pairedItem)`);
    }
    let result = NONE;
    for (const paired of indexes) result = combine(result, this.reach(source, paired));
    return result;
  }
}

/** Two paths' answers as one: several items beat unknown, unknown beats one item, one item beats none. */
function combine(a: number, b: number): number {
  if (a === NONE) return b;
  if (b === NONE || a === b) return a;
  if (a === MANY || b === MANY) return MANY;
  if (a <= -PROBLEM_BASE) return a;
  if (b <= -PROBLEM_BASE) return b;
  return MANY; // two different items
}

/**
 * For the input items `first`..`count` of step `stepNodeId`: the index in the target's
 * output (as `flattenOutput` orders it) of the item each descends from, or why none can
 * be named.
 */
export function pairedItemsOf(run: RunOutputs, stepNodeId: string, targetNodeId: string, first: number, count: number): Paired {
  const target = run.output(targetNodeId);
  const targetName = run.nameOf(targetNodeId);
  const only = target?.count === 1;
  const walk = new LineageWalk(run, targetNodeId);
  const at: number[] = [];
  const problems: string[] = [];
  const codes = new Map<number, number>();
  for (let i = first; i < count; i++) {
    const result = stepNodeId === run.triggerNodeId ? NONE : walk.reach(stepNodeId, i);
    if (result >= 0 || only) {
      at.push(result >= 0 ? result : 0);
      continue;
    }
    let code = codes.get(result);
    if (code === undefined) {
      const message =
        result === NONE
          ? `it does not come from any item of "${targetName}" ("${targetName}" is not on the path that led to it)`
          : result === MANY
            ? `it comes from several items of "${targetName}", so which one is meant is unclear; use .all(), .first() or .last()`
            : walk.problems[-result - PROBLEM_BASE]!;
      problems.push(message);
      code = -problems.length;
      codes.set(result, code);
    }
    at.push(code);
  }
  return { at, problems };
}
