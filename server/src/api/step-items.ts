/**
 * A run's items as the API shows them: previews in run detail (the first PREVIEW_ITEMS of
 * each list, each item cut to about PREVIEW_ITEM_CHARS characters of JSON), and pages of
 * a step's whole items. Items are read from step data a slice at a time (db/queries/
 * step-data.ts), so opening a run of a million items, or of one 10 MB item passed through
 * ten steps, reads a few hundred kilobytes.
 */
import { parse as parsePartialJson, Allow } from 'partial-json';
import type pg from 'pg';
import { adjacencyOf, PREVIEW_ITEM_CHARS, PREVIEW_ITEMS, type Item, type PreviewItem, type StepItemsPage, type WorkflowGraph } from '@junction/nodes';
import {
  previewChunkRanges,
  previewRunInput,
  readChunkRanges,
  readPortItems,
  readRunInput,
  type ChunkRange,
  type PreviewValue,
} from '../db/queries/step-data.ts';
import { itemsOfSlice, slicesOf, type StoredOutput, type StoredPort } from '../db/step-data.ts';
import type { RunHead } from '../db/queries/runs.ts';
import type { StepRow } from '../db/schema.ts';
import { lastOutputStep } from '../runtime/core/outcome.ts';
import { ApiError } from './errors.ts';
import { decodeCursor, encodeCursor } from './request.ts';

/** A page holds at most this much JSON (estimated from its parts' sizes), and at least one item. */
const PAGE_CHARS = 4 * 1024 * 1024;

/** JSON text that may be cut short, read as far as it goes (an object, or {} when nothing of it is whole). */
function partialObject(text: string): Item['json'] {
  let json: unknown;
  try {
    json = parsePartialJson(text, Allow.ALL);
  } catch {
    // Cut where even a lenient reader finds nothing whole: the item is shown empty, and says so.
    json = {};
  }
  return typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Item['json']) : {};
}

/** An item's JSON as a preview shows it: whole, or as much of each field as its share allows. */
function previewJson(value: PreviewValue): Pick<PreviewItem, 'json' | 'truncated'> {
  if (!value.cut) return { json: JSON.parse(value.text) as Item['json'] };
  if (!value.fields) return { json: partialObject(value.text), truncated: { bytes: value.bytes } };
  const json: Item['json'] = {};
  for (const [name, text, cut] of value.fields) {
    let field: unknown;
    try {
      field = cut ? parsePartialJson(text, Allow.ALL) : JSON.parse(text);
    } catch {
      field = null;
    }
    Object.defineProperty(json, name, { value: field, enumerable: true, writable: true, configurable: true });
  }
  return { json, truncated: { bytes: value.bytes } };
}

/** A list of items made of stored ports one after another (a step's input: its sources' ports, in edge order). */
type Segment = { nodeId: string; port: StoredPort };

/** Collects the slices the previews need, reads each chunk range once, and assembles the items. */
class PreviewReader {
  private readonly wanted = new Map<string, { segments: Segment[]; count: number }>();

  list(key: string, segments: Segment[], count = PREVIEW_ITEMS): void {
    this.wanted.set(key, { segments, count });
  }

  /** Preview items per list, by the key each list was asked under. */
  async read(pool: pg.Pool, runId: string): Promise<Map<string, PreviewItem[]>> {
    const jsonRanges = new Map<string, ChunkRange>();
    const pairedRanges = new Map<string, ChunkRange>();
    const plans = new Map<string, { port: StoredPort; slice: ReturnType<typeof slicesOf>[number] }[]>();
    const rangeKey = (r: ChunkRange) => `${r.hash}:${r.from}:${r.to}`;
    for (const [key, { segments, count }] of this.wanted) {
      const plan: { port: StoredPort; slice: ReturnType<typeof slicesOf>[number] }[] = [];
      let left = count;
      for (const { port } of segments) {
        if (left <= 0) break;
        for (const slice of slicesOf(port, 0, Math.min(port.count, left))) {
          plan.push({ port, slice });
          const json = { hash: slice.part.json, from: slice.from, to: slice.to };
          jsonRanges.set(rangeKey(json), json);
          if (slice.part.paired) {
            const paired = { hash: slice.part.paired, from: slice.from, to: slice.to };
            pairedRanges.set(rangeKey(paired), paired);
          }
        }
        left -= port.count;
      }
      plans.set(key, plan);
    }
    const jsonList = [...jsonRanges.values()];
    const pairedList = [...pairedRanges.values()];
    const [jsonValues, pairedValues] = await Promise.all([previewChunkRanges(pool, runId, jsonList, PREVIEW_ITEM_CHARS), readChunkRanges(pool, runId, pairedList)]);
    const jsonOf = new Map(jsonList.map((r, i) => [rangeKey(r), jsonValues[i]!]));
    const pairedOf = new Map(pairedList.map((r, i) => [rangeKey(r), pairedValues[i]!]));
    const lists = new Map<string, PreviewItem[]>();
    for (const [key, plan] of plans) {
      const items: PreviewItem[] = [];
      for (const { port, slice } of plan) {
        const json = jsonOf.get(rangeKey({ hash: slice.part.json, from: slice.from, to: slice.to })) ?? [];
        const paired = slice.part.paired ? (pairedOf.get(rangeKey({ hash: slice.part.paired, from: slice.from, to: slice.to })) ?? null) : null;
        // Pairing as a whole item would have it; the json as much as the preview shows.
        const whole = itemsOfSlice(port, slice, json, paired);
        whole.forEach((item, k) => items.push({ ...item, ...previewJson(json[k] as PreviewValue) }));
      }
      lists.set(key, items);
    }
    return lists;
  }
}

const sourcesOf = (graph: WorkflowGraph) => {
  const { incoming } = adjacencyOf(graph);
  return (nodeId: string) => (incoming.get(nodeId) ?? []).map((edge) => ({ source: edge.source, port: edge.sourcePort }));
};

/** The stored ports a step received its input from, in edge order (its trigger: none, it gets the run's input). */
function inputSegments(steps: ReadonlyMap<string, StepRow>, sources: { source: string; port: string }[]): Segment[] {
  const segments: Segment[] = [];
  for (const { source, port } of sources) {
    const stored = steps.get(source)?.output?.find((p) => p.port === port);
    if (stored) segments.push({ nodeId: source, port: stored });
  }
  return segments;
}

const countOf = (segments: Segment[]) => segments.reduce((sum, s) => sum + s.port.count, 0);
const countsOf = (output: StoredOutput | null) => (output ? Object.fromEntries(output.map((port) => [port.port, port.count])) : null);

/** Run detail's items: previews of the run's input and output and of each step's input and output, with their counts. */
export async function runPreviews(pool: pg.Pool, run: RunHead, steps: StepRow[], graph: WorkflowGraph) {
  const byId = new Map(steps.map((step) => [step.nodeId, step]));
  const sources = sourcesOf(graph);
  const reader = new PreviewReader();
  for (const step of steps) {
    for (const port of step.output ?? []) reader.list(`out:${step.nodeId}:${port.port}`, [{ nodeId: step.nodeId, port }]);
    if (step.nodeId !== run.triggerNodeId && step.status !== 'skipped') reader.list(`in:${step.nodeId}`, inputSegments(byId, sources(step.nodeId)));
  }
  const outputNodeId =
    run.outputNodeId ?? lastOutputStep(steps.map((step) => [step.nodeId, { status: step.status, counts: countsOf(step.output), position: step.position }]));
  const outputStep = outputNodeId ? byId.get(outputNodeId) : undefined;
  const outputSegments = (outputStep?.output ?? []).map((port) => ({ nodeId: outputStep!.nodeId, port }));
  reader.list('run:output', outputSegments);
  const [lists, input] = await Promise.all([reader.read(pool, run.id), previewRunInput(pool, run.id, PREVIEW_ITEMS, PREVIEW_ITEM_CHARS)]);
  const runInput: PreviewItem[] = input.items.map((item) => ({
    ...previewJson(item.json),
    ...(item.pairedItem === undefined ? {} : { pairedItem: item.pairedItem as Item['pairedItem'] }),
  }));
  return {
    input: runInput,
    inputCount: input.total,
    output: outputStep ? lists.get('run:output')! : null,
    outputCount: outputStep ? countOf(outputSegments) : null,
    step(step: StepRow) {
      const skipped = step.status === 'skipped';
      const trigger = step.nodeId === run.triggerNodeId;
      return {
        input: skipped ? null : trigger ? runInput : (lists.get(`in:${step.nodeId}`) ?? []),
        inputCount: skipped ? null : trigger ? input.total : countOf(inputSegments(byId, sources(step.nodeId))),
        output: step.output ? Object.fromEntries(step.output.map((port) => [port.port, lists.get(`out:${step.nodeId}:${port.port}`)!])) : null,
        outputCounts: countsOf(step.output),
      };
    },
  };
}

export interface ItemsQuery {
  side: 'input' | 'output';
  port?: string;
  cursor?: string;
  limit: number;
}

/**
 * A page of a step's items: what it received (`side: input`) or emitted on a port, whole,
 * from the cursor on. A cursor names the list it was given for and the index it goes on
 * from; one for another list, or past its end, is a 400.
 */
export async function stepItemsPage(pool: pg.Pool, run: RunHead, steps: StepRow[], graph: WorkflowGraph, step: StepRow, query: ItemsQuery): Promise<StepItemsPage> {
  const name = graph.nodes.find((node) => node.id === step.nodeId)?.name ?? step.nodeId;
  let segments: Segment[] = [];
  let list: string;
  let fromRunInput = false;
  if (query.side === 'output') {
    const ports = step.output ?? [];
    const port = query.port ?? ports[0]?.port;
    const stored = ports.find((p) => p.port === port);
    if (query.port !== undefined && !stored) {
      const has = ports.length > 0 ? `it emitted on ${ports.map((p) => `"${p.port}"`).join(', ')}` : 'it emitted no items';
      throw new ApiError(400, 'unknown_port', `Step "${name}" has no output port "${query.port}": ${has}`, { path: 'port' });
    }
    if (stored) segments = [{ nodeId: step.nodeId, port: stored }];
    list = `output|${port ?? ''}`;
  } else {
    if (query.port !== undefined) throw new ApiError(400, 'invalid_request', 'port names an output port: leave it out with side=input', { path: 'port' });
    list = 'input|';
    fromRunInput = step.nodeId === run.triggerNodeId;
    if (!fromRunInput && step.status !== 'skipped') segments = inputSegments(new Map(steps.map((s) => [s.nodeId, s])), sourcesOf(graph)(step.nodeId));
  }
  const total = fromRunInput ? (await previewRunInput(pool, run.id, 0, 1)).total : countOf(segments);
  const start = query.cursor
    ? decodeCursor(query.cursor, (parts) => {
        if (parts.length !== 3 || `${parts[0]}|${parts[1]}` !== list || !/^\d{1,10}$/.test(parts[2]!)) throw new Error('cursor of another list');
        const index = Number(parts[2]);
        if (index > total) throw new Error('cursor past the end');
        return index;
      })
    : 0;
  const end = Math.min(total, start + query.limit);
  const items = fromRunInput ? await readRunInput(pool, run.id, start, end) : await readSegments(pool, run.id, segments, start, end);
  const next = start + items.length;
  return { items, total, nextCursor: next < total ? encodeCursor([...list.split('|'), String(next)]) : null };
}

/** Items `start`..`end` of segments one after another, stopping early once a page holds about PAGE_CHARS of JSON. */
async function readSegments(pool: pg.Pool, runId: string, segments: Segment[], start: number, end: number): Promise<Item[]> {
  const items: Item[] = [];
  let offset = 0;
  let chars = 0;
  for (const { port } of segments) {
    const from = Math.max(start, offset) - offset;
    const to = Math.min(end, offset + port.count) - offset;
    offset += port.count;
    if (to <= from) continue;
    // How far the budget reaches, by the parts' sizes: a part averages its bytes over its items.
    let stop = from;
    for (const slice of slicesOf(port, from, to)) {
      const each = slice.part.bytes / Math.max(1, slice.part.count);
      const room = Math.floor((PAGE_CHARS - chars) / Math.max(1, each));
      const take = Math.min(slice.to - slice.from, items.length === 0 && stop === from ? Math.max(1, room) : room);
      if (take <= 0) break;
      chars += take * each;
      stop = slice.offset + slice.from + take;
      if (take < slice.to - slice.from) break;
    }
    if (stop > from) for (const item of await readPortItems(pool, runId, port, from, stop)) items.push(item);
    if (stop < to) break;
  }
  return items;
}
