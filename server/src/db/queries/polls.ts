/**
 * What polling triggers remember between looks: whether they looked before, the highest
 * value of a growing column, and the keys (with a content hash) of what they saw. Read and
 * written inside the transaction that starts the poll's runs, so a look is never lost nor
 * counted twice.
 */
import type pg from 'pg';

type Queryable = Pick<pg.PoolClient, 'query'>;

export interface PollStateRow {
  first: boolean;
  watermark: string | number | null;
}

/** The poll's state, locked for the caller's transaction (pass `lock: false` for a preview). */
export async function pollState(client: Queryable, workflowId: string, nodeId: string, lock = true): Promise<PollStateRow> {
  const result = await client.query<{ watermark: string | number | null }>(
    `select watermark from poll_state where workflow_id = $1 and node_id = $2${lock ? ' for update' : ''}`,
    [workflowId, nodeId],
  );
  const row = result.rows[0];
  return row ? { first: false, watermark: row.watermark } : { first: true, watermark: null };
}

/** What is remembered of these keys (key → content hash, null when none is kept). */
export async function seenKeys(client: Queryable, workflowId: string, nodeId: string, keys: string[]): Promise<Map<string, string | null>> {
  if (keys.length === 0) return new Map();
  const result = await client.query<{ key: string; hash: string | null }>(
    'select key, hash from poll_keys where workflow_id = $1 and node_id = $2 and key = any($3::text[])',
    [workflowId, nodeId, keys],
  );
  return new Map(result.rows.map((row) => [row.key, row.hash]));
}

export interface PollRecord {
  remember: { key: string; hash: string | null }[];
  /** Episodes: the keys matching now; every other remembered key is forgotten. */
  matching: string[] | null;
  watermark: string | number | null;
}

/** Records a look (in the caller's transaction). */
export async function recordPoll(client: Queryable, workflowId: string, nodeId: string, record: PollRecord): Promise<void> {
  if (record.remember.length > 0) {
    await client.query(
      `insert into poll_keys (workflow_id, node_id, key, hash)
       select $1, $2, k.key, k.hash from jsonb_to_recordset($3::jsonb) as k(key text, hash text)
       on conflict (workflow_id, node_id, key) do update set hash = excluded.hash, seen_at = now()`,
      [workflowId, nodeId, JSON.stringify(record.remember)],
    );
  }
  if (record.matching) {
    await client.query('delete from poll_keys where workflow_id = $1 and node_id = $2 and not (key = any($3::text[]))', [workflowId, nodeId, record.matching]);
  }
  await client.query(
    `insert into poll_state (workflow_id, node_id, watermark, polled_at) values ($1, $2, $3::jsonb, now())
     on conflict (workflow_id, node_id) do update set watermark = excluded.watermark, polled_at = now()`,
    [workflowId, nodeId, JSON.stringify(record.watermark)],
  );
}
