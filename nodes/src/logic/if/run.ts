import { NonRetriableError, type PerItemRun } from '../../sdk/index.ts';
import type { Condition, Params } from './definition.ts';

/** Numbers compare as numbers, numeric text too ("12.50" > 9); everything else as text. */
function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

function comparable(value: unknown, caseSensitive: boolean): unknown {
  if (typeof value === 'string' && !caseSensitive) return value.toLowerCase();
  return value;
}

function isEqual(left: unknown, right: unknown, caseSensitive: boolean): boolean {
  const l = toNumber(left);
  const r = toNumber(right);
  if (l !== undefined && r !== undefined) return l === r;
  if (typeof left === 'object' || typeof right === 'object') return JSON.stringify(left) === JSON.stringify(right);
  return comparable(left, caseSensitive) === comparable(right, caseSensitive);
}

function order(left: unknown, right: unknown, caseSensitive: boolean): number | undefined {
  const l = toNumber(left);
  const r = toNumber(right);
  if (l !== undefined && r !== undefined) return l - r;
  if (typeof left === 'string' && typeof right === 'string') {
    const a = comparable(left, caseSensitive) as string;
    const b = comparable(right, caseSensitive) as string;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  return undefined;
}

/** Runs a user's regular expression: in the sandbox, under its time limit (a catastrophic pattern cannot stall the worker). */
export type RegexTester = (pattern: string, flags: string, subject: string) => Promise<boolean>;

export function test(condition: Condition, regex?: RegexTester): boolean | Promise<boolean> {
  const { left, right, op, caseSensitive } = condition;
  switch (op) {
    case 'exists':
      return left !== undefined && left !== null && left !== '';
    case 'notExists':
      return left === undefined || left === null || left === '';
    case 'equals':
      return isEqual(left, right, caseSensitive);
    case 'notEquals':
      return !isEqual(left, right, caseSensitive);
    case 'contains':
      if (Array.isArray(left)) return left.some((element) => isEqual(element, right, caseSensitive));
      if (typeof left === 'string' && right !== undefined && right !== null) {
        return (comparable(left, caseSensitive) as string).includes(comparable(String(right), caseSensitive) as string);
      }
      return false;
    case 'matches': {
      if (typeof right !== 'string') throw new NonRetriableError('"matches" needs a regular expression as the value to compare with');
      if (!regex) throw new NonRetriableError('"matches" runs the regular expression in the sandbox, which is not running here');
      if (typeof left !== 'string' && typeof left !== 'number') return false;
      return regex(right, caseSensitive ? '' : 'i', String(left));
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const difference = order(left, right, caseSensitive);
      if (difference === undefined) return false;
      if (op === 'gt') return difference > 0;
      if (op === 'gte') return difference >= 0;
      if (op === 'lt') return difference < 0;
      return difference <= 0;
    }
  }
}

export const run: PerItemRun<Params> = async ({ params, item, sandbox }) => {
  const regex: RegexTester | undefined = sandbox && ((pattern, flags, subject) => sandbox.testRegex(pattern, flags, subject));
  const results = await Promise.all(params.conditions.map((condition) => test(condition, regex)));
  const passed = params.combine === 'and' ? results.every(Boolean) : results.some(Boolean);
  return passed ? { true: [{ json: item.json }], false: [] } : { true: [], false: [{ json: item.json }] };
};
