/** Keys dedupe steps have seen, per workflow and node. */
import type pg from 'pg';

/**
 * Records `keys` as seen by run `runId` (unless another run saw them within `rememberMs`)
 * and tells which are this run's: seen first by it — also when it asks again after a
 * crash, so a step run twice answers the same. Keys beyond the newest `maxEntries` are
 * forgotten.
 */
export async function firstSeenBy(
  pool: pg.Pool,
  scope: { workflowId: string; nodeId: string; runId: string },
  keys: string[],
  options: { rememberMs: number | null; maxEntries: number },
): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const distinct = [...new Set(keys)];
  const result = await pool.query<{ key: string }>(
    `with claimed as (
       insert into dedupe_keys (workflow_id, node_id, key, first_run_id)
       select $1, $2, key, $3 from unnest($4::text[]) as k(key)
       on conflict (workflow_id, node_id, key) do update set first_run_id = excluded.first_run_id, seen_at = now()
         where $5::float8 is not null and dedupe_keys.seen_at < now() - make_interval(secs => $5::float8 / 1000)
       returning key
     )
     select key from claimed
     union
     select key from dedupe_keys where workflow_id = $1 and node_id = $2 and key = any($4::text[]) and first_run_id = $3`,
    [scope.workflowId, scope.nodeId, scope.runId, distinct, options.rememberMs],
  );
  await pool.query(
    `delete from dedupe_keys where workflow_id = $1 and node_id = $2 and key in (
       select key from dedupe_keys where workflow_id = $1 and node_id = $2 order by seen_at desc offset $3)`,
    [scope.workflowId, scope.nodeId, options.maxEntries],
  );
  return new Set(result.rows.map((row) => row.key));
}
