/**
 * Reading and writing step data (`step_data`, see ../step-data.ts): chunks written with a
 * checkpoint, slices of them read back for the runtime (`$node("Name")`, a step's input
 * after a restart), for paging a step's items, and for bounded previews in run detail.
 */
import type pg from 'pg';
import type { Item } from '@junction/nodes';
import { itemsOfSlice, slicesOf, type Chunk, type StoredOutput, type StoredPort } from '../step-data.ts';

/** Most characters of chunk JSON one statement writes. */
export const STATEMENT_CHARS = 8 * 1024 * 1024;

/**
 * The chunks as one JSON array of records for `jsonb_to_recordset` (h: hash, n: count,
 * b: bytes, i: the items): the items go in as they are, already JSON text, not re-escaped.
 */
export function chunkRecords(chunks: readonly Chunk[]): string {
  return `[${chunks.map((c) => `{"h":"${c.hash}","n":${c.count},"b":${c.bytes},"i":${c.text}}`).join(',')}]`;
}

/** What inserts the chunks of `records` (chunkRecords) for the run of `run` (a relation with its `id`), leaving those stored before. */
export const INSERT_CHUNKS = (run: string, records: string) => `insert into step_data (run_id, hash, count, bytes, items)
  select r.id, x.h, x.n, x.b, x.i from ${run} r, jsonb_to_recordset(${records}::jsonb) as x(h text, n int, b int, i jsonb)
  on conflict (run_id, hash) do nothing`;

/** A chunk write that PostgreSQL refused, naming the step whose data it was. */
export class ChunkWriteError extends Error {
  override name = 'ChunkWriteError';
  readonly code: string | undefined;
  readonly nodeId: string;
  constructor(nodeId: string, cause: Error & { code?: string }) {
    super(cause.message, { cause });
    this.code = cause.code;
    this.nodeId = nodeId;
  }
}

/**
 * Writes a step's chunks on `client` (inside the transaction of its checkpoint), a few
 * megabytes per statement, so no statement nears PostgreSQL's limits however much the step
 * emitted. A refusal names the step.
 */
export async function writeChunks(client: pg.PoolClient, runId: string, nodeId: string, chunks: readonly Chunk[]): Promise<void> {
  for (let start = 0; start < chunks.length; ) {
    let end = start;
    let chars = 0;
    while (end < chunks.length && (end === start || chars + chunks[end]!.text.length <= STATEMENT_CHARS)) chars += chunks[end++]!.text.length;
    try {
      await client.query(INSERT_CHUNKS('(select $1::uuid as id)', '$2'), [runId, chunkRecords(chunks.slice(start, end))]);
    } catch (error) {
      throw new ChunkWriteError(nodeId, error as Error);
    }
    start = end;
  }
}

/** Values `from`..`to` (exclusive) of a chunk. */
export interface ChunkRange {
  hash: string;
  from: number;
  to: number;
}

const rangeParams = (ranges: readonly ChunkRange[]) => [ranges.map((r) => r.hash), ranges.map((r) => r.from), ranges.map((r) => r.to - 1)];

/** The values of each range, in order (a chunk the run does not have gives none). */
export async function readChunkRanges(pool: pg.Pool | pg.PoolClient, runId: string, ranges: readonly ChunkRange[]): Promise<unknown[][]> {
  if (ranges.length === 0) return [];
  // One slice per chunk, taken in one pass: the chunk is read from storage once, whatever the range.
  const result = await pool.query<{ k: string; v: string | null }>({
    name: 'junction_read_chunk_ranges',
    text: `select r.k, jsonb_path_query_array(d.items, ('$[' || r.f || ' to ' || r.t || ']')::jsonpath)::text as v
      from unnest($2::text[], $3::int[], $4::int[]) with ordinality as r(h, f, t, k)
      join step_data d on d.run_id = $1 and d.hash = r.h`,
    values: [runId, ...rangeParams(ranges)],
  });
  const values: unknown[][] = ranges.map(() => []);
  for (const row of result.rows) if (row.v) values[Number(row.k) - 1] = JSON.parse(row.v) as unknown[];
  return values;
}

/** A value as a preview shows it: its JSON text whole, or the beginning of it when it is longer. */
export interface PreviewValue {
  text: string;
  /** `text` is only the beginning. */
  cut: boolean;
  /** Bytes of the whole value's JSON. */
  bytes: number;
  /** A cut object's first PREVIEW_FIELDS fields, each one's JSON cut to its share: [name, text, cut]. */
  fields?: [string, string, boolean][];
}

/** Most fields of a large object a preview shows. */
const PREVIEW_FIELDS = 50;

/**
 * What previews a value `x` (its jsonb `v`) in at most about `max` characters: the value, or
 * the beginning of it and, for an object, each of its first fields' beginnings — so a large
 * item shows all its small fields, not only the start of its first large one.
 */
const previewColumns = (max: string) => `left(t.x, ${max}) as text, length(t.x) > ${max} as cut, octet_length(t.x) as bytes,
  case when length(t.x) > ${max} and jsonb_typeof(t.v) = 'object' then (
    select jsonb_agg(jsonb_build_array(f.k, left(f.w::text, f.share), length(f.w::text) > f.share))
    from (select kv.key as k, kv.value as w, greatest(64, ${max} / least(${PREVIEW_FIELDS}, (select count(*) from jsonb_object_keys(t.v)))::int) as share
      from jsonb_each(t.v) as kv limit ${PREVIEW_FIELDS}) f) end as fields`;

type PreviewRow = { text: string; cut: boolean; bytes: number; fields: [string, string, boolean][] | null };
const previewOf = (row: PreviewRow): PreviewValue => ({ text: row.text, cut: row.cut, bytes: row.bytes, ...(row.fields ? { fields: row.fields } : {}) });

/** Like readChunkRanges, each value at most about `maxChars` characters of JSON: a 10 MB item costs a preview a few kilobytes. */
export async function previewChunkRanges(pool: pg.Pool, runId: string, ranges: readonly ChunkRange[], maxChars: number): Promise<PreviewValue[][]> {
  if (ranges.length === 0) return [];
  const result = await pool.query<PreviewRow & { k: string }>({
    name: 'junction_preview_chunk_ranges',
    text: `select r.k, ${previewColumns('$5::int')}
      from unnest($2::text[], $3::int[], $4::int[]) with ordinality as r(h, f, t, k)
      join step_data d on d.run_id = $1 and d.hash = r.h
      cross join lateral jsonb_array_elements(jsonb_path_query_array(d.items, ('$[' || r.f || ' to ' || r.t || ']')::jsonpath)) with ordinality as e(v, i)
      cross join lateral (select e.v as v, e.v::text as x) t
      order by r.k, e.i`,
    values: [runId, ...rangeParams(ranges), maxChars],
  });
  const values: PreviewValue[][] = ranges.map(() => []);
  for (const row of result.rows) values[Number(row.k) - 1]!.push(previewOf(row));
  return values;
}

/** The first `count` items of a run's input (its trigger's items), each at most about `maxChars` characters of JSON. */
export async function previewRunInput(pool: pg.Pool, runId: string, count: number, maxChars: number): Promise<{ total: number; items: { json: PreviewValue; pairedItem: unknown }[] }> {
  const result = await pool.query<{ total: number; text: string | null; cut: boolean; bytes: number; fields: PreviewRow['fields']; paired: unknown }>({
    name: 'junction_preview_run_input',
    text: `select jsonb_array_length(r.input) as total, ${previewColumns('$3::int')}, e.v->'pairedItem' as paired
      from runs r
      left join lateral jsonb_array_elements(jsonb_path_query_array(r.input, ('$[0 to ' || ($2::int - 1) || ']')::jsonpath)) with ordinality as e(v, i) on true
      left join lateral (select e.v->'json' as v, (e.v->'json')::text as x) t on true
      where r.id = $1 order by e.i`,
    values: [runId, Math.max(1, count), maxChars],
  });
  const total = result.rows[0]?.total ?? 0;
  const items = result.rows.filter((row) => row.text !== null).slice(0, count);
  return { total, items: items.map((row) => ({ json: previewOf(row as PreviewRow), pairedItem: row.paired ?? undefined })) };
}

/** Items `start`..`end` (exclusive) of a run's input. */
export async function readRunInput(pool: pg.Pool, runId: string, start: number, end: number): Promise<Item[]> {
  if (end <= start) return [];
  const result = await pool.query<{ v: string | null }>(
    `select jsonb_path_query_array(input, ('$[' || $2::int || ' to ' || $3::int || ']')::jsonpath)::text as v from runs where id = $1`,
    [runId, start, end - 1],
  );
  return result.rows[0]?.v ? (JSON.parse(result.rows[0].v) as Item[]) : [];
}

/** Items `start`..`end` (exclusive) of a stored port. */
export async function readPortItems(pool: pg.Pool | pg.PoolClient, runId: string, port: StoredPort, start = 0, end = port.count): Promise<Item[]> {
  const slices = slicesOf(port, start, end);
  const ranges: ChunkRange[] = [];
  for (const slice of slices) {
    ranges.push({ hash: slice.part.json, from: slice.from, to: slice.to });
    if (slice.part.paired) ranges.push({ hash: slice.part.paired, from: slice.from, to: slice.to });
  }
  const values = await readChunkRanges(pool, runId, ranges);
  const items: Item[] = [];
  let k = 0;
  for (const slice of slices) {
    const json = values[k++]!;
    const paired = slice.part.paired ? values[k++]! : null;
    if (json.length !== slice.to - slice.from) throw new Error(`step data of run ${runId} is missing a chunk (${slice.part.json})`);
    for (const item of itemsOfSlice(port, slice, json, paired)) items.push(item);
  }
  return items;
}

/** The `pairedItem`s of a stored port's items (what lineage follows), without their data. */
export async function readPortPairing(pool: pg.Pool, runId: string, port: StoredPort): Promise<(Item['pairedItem'] | null)[]> {
  if (port.paired === 'none') return new Array(port.count).fill(null);
  if (port.paired === 'index') return Array.from({ length: port.count }, (_, i) => i);
  const values = await readChunkRanges(pool, runId, port.parts.map((part) => ({ hash: part.paired!, from: 0, to: part.count })));
  return values.flat() as (Item['pairedItem'] | null)[];
}

/**
 * What runs answered with (a waiting webhook's answer, a sub-workflow's result): the items
 * of the step that is each run's output, or the output kept in the run row by runs from
 * before step data was stored apart.
 */
export async function runOutputs(pool: pg.Pool, runIds: readonly string[]): Promise<Map<string, Item[] | null>> {
  const result = await pool.query<{ id: string; output: Item[] | null; stored: StoredOutput | null }>(
    `select r.id, r.output, s.output as stored from runs r
     left join steps s on s.run_id = r.id and s.node_id = r.output_node_id
     where r.id = any($1::uuid[])`,
    [runIds],
  );
  const outputs = new Map<string, Item[] | null>();
  for (const row of result.rows) {
    if (row.output || !row.stored) {
      outputs.set(row.id, row.output);
      continue;
    }
    const items: Item[] = [];
    for (const port of row.stored) for (const item of await readPortItems(pool, row.id, port)) items.push(item);
    outputs.set(row.id, items);
  }
  return outputs;
}
