/**
 * What the suite prints: one table with a row per scenario, then, for each scenario that
 * broke an invariant, the first violations and the processes' most frequent warnings
 * and errors — the lines an operator would look at first.
 */
import type { Findings } from './invariants.ts';
import type { JunctionProcess } from './processes.ts';

export interface ResumeFigures {
  /** Runs held by killed or frozen workers. */
  runs: number;
  p50Ms: number | null;
  maxMs: number | null;
  /** Runs that had not moved again when the scenario ended. */
  never: number;
}

export interface ScenarioResult {
  id: string;
  title: string;
  /** What was done to the system: "10 SIGKILLs", "proxy: 12 resets, ...". */
  faults: string[];
  findings: Findings | null;
  resume: ResumeFigures | null;
  /** The scenario could not be carried out (a process would not start, ...). */
  error: string | null;
  durationMs: number;
  logDir: string;
  /** Warnings and errors of the scenario's processes, grouped, most frequent first. */
  logSummary: { line: string; count: number }[];
}

export function passed(result: ScenarioResult): boolean {
  return result.error === null && result.findings !== null && result.findings.violations.length === 0;
}

export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Groups the warn/error lines of `processes` by what they say (ids and numbers blanked out). */
export function summariseLogs(processes: JunctionProcess[]): { line: string; count: number }[] {
  const groups = new Map<string, number>();
  for (const p of processes) {
    for (const line of p.output()) {
      const match = /^\S+ (warn|error)\s+(.*)$/.exec(line);
      if (!match) continue;
      const [, level, rest] = match;
      const brace = rest!.indexOf(' {');
      let text = brace >= 0 ? rest!.slice(0, brace) : rest!;
      const error = brace >= 0 ? /"(?:error|reason)":"([^"]*)"/.exec(rest!.slice(brace))?.[1] : undefined;
      if (error) text += `: ${error}`;
      text = text
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>')
        .replace(/\d+(\.\d+)?/g, 'N')
        .slice(0, 220);
      const key = `${level} ${text}`;
      groups.set(key, (groups.get(key) ?? 0) + 1);
    }
  }
  return [...groups].map(([line, count]) => ({ line, count })).sort((a, b) => b.count - a.count);
}

const seconds = (ms: number | null) => (ms === null ? '-' : `${(ms / 1000).toFixed(1)}s`);

const COLUMNS = [
  ['scenario', (r: ScenarioResult) => r.id],
  ['deliveries', (r: ScenarioResult) => r.findings?.deliveries],
  ['acked', (r: ScenarioResult) => r.findings?.acknowledged],
  ['succeeded', (r: ScenarioResult) => r.findings?.byStatus.succeeded ?? 0],
  ['failed', (r: ScenarioResult) => r.findings?.byStatus.failed ?? 0],
  ['lost', (r: ScenarioResult) => r.findings?.lost],
  ['stuck', (r: ScenarioResult) => r.findings?.stuck],
  ['unexpected', (r: ScenarioResult) => r.findings?.unexpected],
  ['dup ckpt', (r: ScenarioResult) => r.findings?.duplicateCheckpoints],
  ['dup effects', (r: ScenarioResult) => r.findings?.duplicateEffects],
  ['key repeats', (r: ScenarioResult) => r.findings?.keyRepeats],
  ['hidden reruns', (r: ScenarioResult) => r.findings?.hiddenReruns],
  ['ledger', (r: ScenarioResult) => r.findings?.ledgerMismatches],
  ['resume p50/max', (r: ScenarioResult) => (r.resume && r.resume.runs > 0 ? `${seconds(r.resume.p50Ms)}/${seconds(r.resume.maxMs)}${r.resume.never ? ` (${r.resume.never} never)` : ''}` : '-')],
  ['time', (r: ScenarioResult) => seconds(r.durationMs)],
  ['verdict', (r: ScenarioResult) => (passed(r) ? 'pass' : 'FAIL')],
] as const;

export function table(results: ScenarioResult[]): string {
  const rows = [COLUMNS.map(([title]) => title), ...results.map((r) => COLUMNS.map(([, value]) => String(value(r) ?? '-')))];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/** One scenario's block: what was done, and if it failed, why. */
export function details(result: ScenarioResult, maxViolations = 8): string {
  const out = [`${result.id} — ${result.title}: ${passed(result) ? 'pass' : 'FAIL'} (logs: ${result.logDir})`];
  for (const fault of result.faults) out.push(`  done: ${fault}`);
  if (result.findings) {
    const f = result.findings;
    const statuses = Object.entries(f.byStatus).map(([status, n]) => `${n} ${status}`).join(', ') || 'none';
    out.push(`  runs: ${f.runs} (${statuses}); ${f.refused} deliveries never acknowledged; settled in ${seconds(f.settledInMs)}`);
  }
  if (result.error) out.push(`  could not be carried out: ${result.error}`);
  if (passed(result)) return out.join('\n');
  const violations = result.findings?.violations ?? [];
  const kinds = [...new Set(violations.map((v) => v.kind))];
  for (const kind of kinds) {
    const ofKind = violations.filter((v) => v.kind === kind);
    out.push(`  ${kind} (${ofKind.length}):`);
    for (const violation of ofKind.slice(0, maxViolations)) out.push(`    - ${violation.what}`);
    if (ofKind.length > maxViolations) out.push(`    … and ${ofKind.length - maxViolations} more`);
  }
  if (result.logSummary.length > 0) {
    // The most frequent lines say what went on; the rarest often say what changed (a pool that stopped).
    const frequent = result.logSummary.slice(0, 6);
    const rare = result.logSummary.slice(6).reverse().slice(0, 6);
    out.push('  warnings and errors of its processes, most frequent:');
    for (const { line, count } of frequent) out.push(`    ${String(count).padStart(5)} × ${line}`);
    if (rare.length > 0) out.push('  and rarest:');
    for (const { line, count } of rare) out.push(`    ${String(count).padStart(5)} × ${line}`);
  }
  return out.join('\n');
}
