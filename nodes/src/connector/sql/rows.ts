/**
 * Rows as items carry them: plain JSON. The drivers are set up to give dates and
 * decimals as the database wrote them (no time zone shift, no rounding: `numeric`,
 * `DECIMAL` stay text); what is left to turn into JSON here:
 *
 * - a point in time (`timestamptz`) → ISO 8601 text, in UTC
 * - bytes (`bytea`, `BLOB`) → base64 text
 * - a 64-bit integer → a number when it fits exactly, else text
 */
import { MAX_ITEM_DEPTH, NonRetriableError, type JsonObject } from '../../sdk/index.ts';

/** `value` as JSON; refuses data nested deeper than items may be (a JSON column can hold anything) before walking it further. */
function jsonValue(value: unknown, depth: number): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value !== 'object') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (depth >= MAX_ITEM_DEPTH) throw new NonRetriableError(`A row returned nests more than ${MAX_ITEM_DEPTH} levels deep`);
  if (Array.isArray(value)) return value.map((inner) => jsonValue(inner, depth + 1));
  // Object.fromEntries defines each key as the row's own field, `__proto__` included.
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, jsonValue(inner, depth + 1)]));
}

/** A driver's row as an item's JSON. */
export function jsonRow(row: object): JsonObject {
  return jsonValue(row, 0) as JsonObject;
}

/** A 64-bit integer from PostgreSQL's text: a number when it fits exactly (count(*) is one), else the text. */
export function int8(text: string): number | string {
  const number = Number(text);
  return Number.isSafeInteger(number) ? number : text;
}
