/**
 * Resume URLs, `/api/resume/<token>`: public, the token being the authority. GET shows a
 * waiting step's page (an approval, a form) to a person, or its state as JSON to a
 * system; POST answers it, once. See runtime/resume.ts for the tokens.
 */
import { Hono, type Context } from 'hono';
import type { Resumption } from '@junction/nodes';
import { resumeStep, waitingStep, type WaitingStep } from '../db/queries/waits.ts';
import { readResumeToken } from '../runtime/resume.ts';
import type { ApiDeps } from './app.ts';
import { ApiError } from './errors.ts';
import { clientOf } from './request.ts';
import { languageOf, notePage, readAnswer, waitingPage } from './resume-page.ts';

const PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** A person's browser (it asks for HTML), rather than a system calling back. */
const wantsPage = (c: Context) => /text\/html/.test(c.req.header('accept') ?? '');

function html(c: Context, body: string, status: 200 | 400 | 404 | 409) {
  c.header('Content-Security-Policy', PAGE_POLICY);
  c.header('Cache-Control', 'no-store');
  return c.html(body, status);
}

/** The step's state as a system reads it. */
function describe(step: WaitingStep) {
  const { wait } = step;
  const expired = Boolean(wait?.until && new Date(wait.until) <= new Date() && !wait.resumed);
  const status = wait?.resumed ? 'resumed' : step.status === 'waiting' && step.runStatus === 'waiting' ? (expired ? 'expired' : 'waiting') : 'finished';
  return { status, reason: wait?.reason ?? null, until: wait?.until ?? null, page: wait?.page ?? null, resumedAt: wait?.resumed?.at ?? null };
}

async function readSent(c: Context): Promise<Record<string, unknown>> {
  const type = c.req.header('content-type') ?? '';
  const text = await c.req.text();
  if (text.trim() === '') return {};
  if (/application\/x-www-form-urlencoded/i.test(type)) return Object.fromEntries(new URLSearchParams(text));
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    return { value: parsed };
  } catch (error) {
    throw new ApiError(400, 'invalid_json', `The body is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

export function resumeRoutes(deps: ApiDeps) {
  const app = new Hono();

  const find = async (c: Context) => {
    const target = deps.resume ? readResumeToken(deps.resume.secret, c.req.param('token') ?? '') : null;
    const step = target ? await waitingStep(deps.pool, target.runId, target.nodeId) : undefined;
    return target && step ? { ...target, step } : null;
  };

  app.get('/:token', async (c) => {
    const language = languageOf(c.req.header('accept-language'));
    const found = await find(c);
    if (!found) {
      if (wantsPage(c)) return html(c, notePage(language, 'gone'), 404);
      throw new ApiError(404, 'not_found', 'No step waits at this address');
    }
    const state = describe(found.step);
    if (!wantsPage(c) || found.step.wait?.page?.kind === 'callback') return c.json(state);
    if (state.status === 'waiting') {
      return html(c, waitingPage({ language, workflowName: found.step.workflowName, nodeName: found.step.nodeName, wait: found.step.wait! }), 200);
    }
    return html(c, notePage(language, state.status === 'expired' ? 'expired' : 'answered'), 200);
  });

  app.post('/:token', async (c) => {
    const language = languageOf(c.req.header('accept-language'));
    const page = wantsPage(c);
    const found = await find(c);
    if (!found) {
      if (page) return html(c, notePage(language, 'gone'), 404);
      throw new ApiError(404, 'not_found', 'No step waits at this address');
    }
    const { step } = found;
    const state = describe(step);
    if (state.status !== 'waiting' || !step.wait?.resumable) {
      if (page) return html(c, notePage(language, state.status === 'expired' ? 'expired' : 'answered'), 409);
      throw new ApiError(409, state.status === 'expired' ? 'wait_expired' : 'not_waiting', state.status === 'expired' ? 'The wait has expired; the step goes on as its node says' : 'This step is not waiting any more; it was answered or its run ended');
    }
    const sent = await readSent(c);
    const answer = readAnswer(step.wait, sent, language);
    if ('errors' in answer) {
      if (page) {
        const values = Object.fromEntries(Object.entries(sent).map(([key, value]) => [key, String(value ?? '')]));
        return html(c, waitingPage({ language, workflowName: step.workflowName, nodeName: step.nodeName, wait: step.wait, errors: answer.errors, values }), 400);
      }
      const issues = Object.entries(answer.errors).map(([path, message]) => ({ code: 'invalid_answer' as const, path, message: `${path}: ${message}` }));
      throw new ApiError(400, 'invalid_answer', `The answer is not valid: ${issues[0]!.message}`, { path: issues[0]!.path, issues });
    }
    const { ip, userAgent } = clientOf(c, deps.security);
    const resumption: Resumption = {
      by: 'call',
      at: new Date().toISOString(),
      data: answer.data,
      ...(ip || userAgent ? { caller: [ip, userAgent].filter(Boolean).join(' · ').slice(0, 300) } : {}),
    };
    const result = await resumeStep(deps.pool, found.runId, found.nodeId, resumption);
    if (result === 'resumed') return page ? html(c, notePage(language, 'done'), 200) : c.json({ status: 'resumed' });
    if (page) return html(c, notePage(language, result === 'expired' ? 'expired' : result === 'unknown' ? 'gone' : 'answered'), result === 'unknown' ? 404 : 409);
    if (result === 'unknown') throw new ApiError(404, 'not_found', 'No step waits at this address');
    throw new ApiError(409, result === 'expired' ? 'wait_expired' : 'not_waiting', result === 'expired' ? 'The wait has expired; the step goes on as its node says' : 'This step is not waiting any more; it was answered or its run ended');
  });

  return app;
}
