/**
 * Run scopes for tests that call the sandbox directly (no database, no worker): what the
 * runtime would pass for a run of a workflow named "Test".
 */
import { readFileSync } from 'node:fs';
import type { Item } from '@junction/nodes';
import { positionalPairing, type RunScope, type SandboxLimits } from './index.ts';
import { DEFAULT_ADMIN_LIMITS, limitsFor } from './limits.ts';

export const TEST_LIMITS: SandboxLimits = limitsFor({}, DEFAULT_ADMIN_LIMITS);

export function testScope(runId: string, options: { limits?: Partial<SandboxLimits>; outputs?: Record<string, Item[] | null>; timezone?: string; signal?: AbortSignal } = {}): RunScope {
  return {
    runId,
    signal: options.signal,
    limits: { ...TEST_LIMITS, ...options.limits },
    outputOf: (name) => options.outputs?.[name],
    // No run to follow lineage through: by position, as the editor's previews do.
    pairedOf: (name, _step, first, count) => positionalPairing(name, options.outputs?.[name] ?? [], first, count),
    info: async () => ({
      run: { id: runId, startedAt: '2026-11-25T10:00:00.000Z' },
      workflow: { id: 'wf-test', name: 'Test', version: 1 },
      timezone: options.timezone ?? 'UTC',
      vars: {},
    }),
  };
}

/** CPU time (user + system) a process has used so far, in ms: does a sandbox process still burn a core? */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 per second).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
