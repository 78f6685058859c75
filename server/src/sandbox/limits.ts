/**
 * The limits a run's sandbox calls get: the workflow's own settings (codeTimeoutMs,
 * expressionTimeoutMs, memoryMb) where it has them, else the administrator's defaults,
 * and never above the administrator's maxima (config.ts). A maximum lowered after a
 * workflow was saved applies to its next runs.
 */
import type { Settings } from '@junction/nodes';
import type { SandboxLimits } from './index.ts';

export interface SandboxAdminLimits {
  codeTimeoutMs: number;
  codeTimeoutMaxMs: number;
  expressionTimeoutMs: number;
  expressionTimeoutMaxMs: number;
  memoryMb: number;
  memoryMaxMb: number;
  maxOutputBytes: number;
  maxLogBytes: number;
  maxLogLines: number;
}

export const DEFAULT_ADMIN_LIMITS: SandboxAdminLimits = {
  codeTimeoutMs: 5000,
  codeTimeoutMaxMs: 60_000,
  expressionTimeoutMs: 100,
  expressionTimeoutMaxMs: 5000,
  memoryMb: 128,
  memoryMaxMb: 512,
  maxOutputBytes: 16 * 1024 * 1024,
  maxLogBytes: 64 * 1024,
  maxLogLines: 1000,
};

export function limitsFor(settings: Pick<Settings, 'codeTimeoutMs' | 'expressionTimeoutMs' | 'memoryMb'>, admin: SandboxAdminLimits): SandboxLimits {
  return {
    codeTimeoutMs: Math.min(settings.codeTimeoutMs ?? admin.codeTimeoutMs, admin.codeTimeoutMaxMs),
    expressionTimeoutMs: Math.min(settings.expressionTimeoutMs ?? admin.expressionTimeoutMs, admin.expressionTimeoutMaxMs),
    memoryMb: Math.min(settings.memoryMb ?? admin.memoryMb, admin.memoryMaxMb),
    maxOutputBytes: admin.maxOutputBytes,
    maxLogBytes: admin.maxLogBytes,
    maxLogLines: admin.maxLogLines,
  };
}
