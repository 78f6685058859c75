CREATE TABLE "step_data" (
	"run_id" uuid NOT NULL,
	"hash" text NOT NULL,
	"count" integer NOT NULL,
	"bytes" integer NOT NULL,
	"items" jsonb NOT NULL,
	CONSTRAINT "step_data_run_id_hash_pk" PRIMARY KEY("run_id","hash")
);
--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "output_node_id" text;--> statement-breakpoint
ALTER TABLE "step_data" ADD CONSTRAINT "step_data_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;