ALTER TABLE "worker_processes" ADD COLUMN "machine" text;--> statement-breakpoint
ALTER TABLE "worker_processes" ADD COLUMN "process_start" text;--> statement-breakpoint
CREATE INDEX "runs_unfinished_idx" ON "runs" USING btree ("seq") WHERE "runs"."status" in ('queued', 'running', 'waiting');