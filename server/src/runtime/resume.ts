/**
 * Resume URLs: the address that wakes a waiting step (an approval link in an e-mail, a
 * callback a system calls). The token names the run and the step and carries an HMAC of
 * both under the instance's secret, so it cannot be guessed, and any step of the run can
 * know the URL before the waiting step starts (to send it in an e-mail first).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The name of the instance secret resume tokens are signed with. */
export const RESUME_SECRET = 'resume-urls';

export interface ResumeLinks {
  /** The instance secret the tokens are signed with (db/queries/instance-secrets.ts). */
  secret: Buffer;
  /** Junction's public address, as people and systems reach it (JUNCTION_PUBLIC_URL). */
  publicUrl: string;
}

const mac = (secret: Buffer, runId: string, nodeId: string) => createHmac('sha256', secret).update(`resume:${runId}:${nodeId}`).digest();

export function resumeToken(secret: Buffer, runId: string, nodeId: string): string {
  return `${runId}.${Buffer.from(nodeId).toString('base64url')}.${mac(secret, runId, nodeId).toString('base64url')}`;
}

/** The run and step a token names, or null when it is not one of ours. */
export function readResumeToken(secret: Buffer, token: string): { runId: string; nodeId: string } | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [runId, node, signature] = parts as [string, string, string];
  if (!/^[0-9a-f-]{36}$/.test(runId) || !/^[A-Za-z0-9_-]{1,200}$/.test(node) || !/^[A-Za-z0-9_-]{43}$/.test(signature)) return null;
  const nodeId = Buffer.from(node, 'base64url').toString();
  const expected = mac(secret, runId, nodeId);
  const given = Buffer.from(signature, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected) ? { runId, nodeId } : null;
}

export function resumeUrl(links: ResumeLinks, runId: string, nodeId: string): string {
  return `${links.publicUrl.replace(/\/+$/, '')}/api/resume/${resumeToken(links.secret, runId, nodeId)}`;
}
