/**
 * Who a worker process is on its machine, so that a worker on the same machine can tell
 * for certain that another one has gone (killed, crashed) instead of waiting for its
 * heartbeat to age: on Linux, a process is named by the machine's boot id, its PID
 * namespace (containers on one host share the boot id, not the namespace), its pid and
 * the time it started (pids are reused; start times are not).
 *
 * Elsewhere (macOS, Windows) nothing is known for certain, and only heartbeats count.
 */
import { readFileSync, readlinkSync } from 'node:fs';

export interface ProcessIdentity {
  /** Boot id and PID namespace: equal for processes that can see each other's pids. */
  machine: string;
  pid: number;
  /** Start time in clock ticks since boot (field 22 of /proc/<pid>/stat). */
  start: string;
}

function startTicks(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    // No such process (or no /proc): the caller reads null as "unknown" or "gone".
    return null;
  }
}

/** This process's identity, or null where the system does not tell. */
export function ownIdentity(): ProcessIdentity | null {
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const namespace = readlinkSync('/proc/self/ns/pid');
    const start = startTicks(process.pid);
    if (!boot || !start) return null;
    return { machine: `${boot}/${namespace}`, pid: process.pid, start };
  } catch {
    return null;
  }
}

/**
 * True when `other`, a process of this machine, is certainly gone: no process has its pid,
 * or the one that has it started at another time. A stopped (SIGSTOP) process is not gone.
 */
export function isGone(other: ProcessIdentity, self: ProcessIdentity | null): boolean {
  if (!self || other.machine !== self.machine) return false;
  if (other.pid === self.pid) return other.start !== self.start;
  return startTicks(other.pid) !== other.start;
}
