/**
 * `GET /api/runs/:id/events`: a run's progress as Server-Sent Events, for the editor.
 *
 * Events: `snapshot` (the run's status and every step's status and item counts), then
 * `step` and `run` as the worker reports them, ending with the `run` event of its final
 * status. Opening the stream flags the run as watched, so the worker publishes each step
 * from its next checkpoint on (see runtime/progress.ts); the run's row is also read every
 * second, which covers runs whose worker publishes nothing (a pure run that was already
 * past its last checkpoint) and any notification lost on a reconnect.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import type { RunError, RunEvent, RunSnapshot } from '@junction/nodes';
import { demandRunAccess } from '../auth/access.ts';
import { principalOf } from '../auth/middleware.ts';
import { runSnapshot, runVersion, watchRun, type RunSnapshotRow } from '../db/queries/runs.ts';
import { FINISHED_RUN_STATUSES, type RunStatus } from '../db/schema.ts';
import type { ProgressEvent } from '../runtime/progress.ts';
import type { ApiDeps } from './app.ts';
import { notFound } from './errors.ts';
import { validationHook } from './request.ts';
import { errorResponses, IdParam } from './schemas.ts';

const POLL_MS = 1000;
const PING_EVERY = 15;

const finished = (status: RunStatus) => FINISHED_RUN_STATUSES.includes(status);

/** The `snapshot` event (the contract's RunSnapshot; the row's error is the run's, as stored). */
function snapshotEvent(id: string, row: RunSnapshotRow) {
  const snapshot: RunSnapshot = { run: { id, status: row.status, error: (row.error as RunError | null) ?? null }, steps: row.steps };
  return { event: 'snapshot', data: JSON.stringify(snapshot) };
}

export function runEventRoutes(deps: ApiDeps) {
  const app = new OpenAPIHono({ defaultHook: validationHook });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/events',
      summary: "A run's progress as Server-Sent Events",
      description:
        'Events: `snapshot` {run, steps[]} first; then `step` {nodeId, status, attempt, counts, error} and `run` {status} as the run advances; the stream ends after the `run` event of a finished status. Steps carry item counts per output port, never items (read those from GET /api/runs/{id}).',
      request: { params: IdParam },
      responses: {
        200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } },
        ...errorResponses,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const first = await runSnapshot(deps.pool, id);
      if (!first) throw notFound('Run', id);
      await demandRunAccess(deps.db, principalOf(c), id, first.workflowId, 'read');
      if (!finished(first.status)) await watchRun(deps.pool, id);

      return streamSSE(c, async (stream) => {
        let done = false;
        let wake: (() => void) | null = null;
        const stop = () => {
          done = true;
          wake?.();
        };
        stream.onAbort(stop);
        // Subscribe before reading again, so nothing published in between is missed.
        const pending: ProgressEvent[] = [];
        let live = false;
        const send = async (events: ProgressEvent[]) => {
          try {
            for (const event of events) {
              if (done) return;
              await stream.writeSSE({ event: event.type, data: JSON.stringify(event satisfies RunEvent) });
              if (event.type === 'run' && finished(event.status)) stop();
            }
          } catch {
            // The browser went away mid-write: the stream is over, nothing to tell anyone.
            stop();
          }
        };
        // One write after another, in the order the worker published them.
        let writing = Promise.resolve();
        const unsubscribe = deps.progress.subscribe(id, {
          events: (events) => {
            if (live) writing = writing.then(() => send(events));
            else pending.push(...events);
          },
          close: stop,
        });
        try {
          let seen = (await runSnapshot(deps.pool, id)) ?? first;
          await stream.writeSSE(snapshotEvent(id, seen));
          if (finished(seen.status)) return void (await stream.writeSSE({ event: 'run', data: JSON.stringify({ type: 'run', status: seen.status } satisfies RunEvent) }));
          live = true;
          writing = writing.then(() => send(pending.splice(0)));
          await writing;
          for (let tick = 1; !done; tick++) {
            await new Promise<void>((resolve) => {
              wake = resolve;
              setTimeout(resolve, POLL_MS);
            });
            if (done) break;
            await writing;
            const now = await runVersion(deps.pool, id);
            if (!now) break;
            if (now.version !== seen.version) {
              seen = (await runSnapshot(deps.pool, id)) ?? seen;
              await stream.writeSSE(snapshotEvent(id, seen));
              if (finished(seen.status)) {
                await stream.writeSSE({ event: 'run', data: JSON.stringify({ type: 'run', status: seen.status } satisfies RunEvent) });
                break;
              }
            } else if (tick % PING_EVERY === 0) {
              await stream.writeSSE({ event: 'ping', data: '' });
            }
          }
        } finally {
          unsubscribe();
        }
      });
    },
  );

  return app;
}
