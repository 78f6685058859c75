/** Signed webhooks' delivery ids: kept for a while to refuse replays, then forgotten. */
import type pg from 'pg';

export async function pruneWebhookDeliveries(pool: pg.Pool, retention: string): Promise<void> {
  await pool.query('delete from webhook_deliveries where received_at < now() - $1::interval', [retention]);
}
