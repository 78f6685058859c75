CREATE TABLE "dedupe_keys" (
	"workflow_id" uuid NOT NULL,
	"node_id" text NOT NULL,
	"key" text NOT NULL,
	"first_run_id" uuid NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dedupe_keys_workflow_id_node_id_key_pk" PRIMARY KEY("workflow_id","node_id","key")
);
--> statement-breakpoint
CREATE TABLE "poll_keys" (
	"workflow_id" uuid NOT NULL,
	"node_id" text NOT NULL,
	"key" text NOT NULL,
	"hash" text,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "poll_keys_workflow_id_node_id_key_pk" PRIMARY KEY("workflow_id","node_id","key")
);
--> statement-breakpoint
CREATE TABLE "poll_state" (
	"workflow_id" uuid NOT NULL,
	"node_id" text NOT NULL,
	"watermark" jsonb,
	"polled_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "poll_state_workflow_id_node_id_pk" PRIMARY KEY("workflow_id","node_id")
);
--> statement-breakpoint
CREATE TABLE "trigger_timers" (
	"workflow_id" uuid NOT NULL,
	"node_id" text NOT NULL,
	"version_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"next_at" timestamp with time zone NOT NULL,
	"last_fired_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "trigger_timers_workflow_id_node_id_pk" PRIMARY KEY("workflow_id","node_id")
);
--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "fired_for" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "waits_for" uuid;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "parent_run_id" uuid;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "parent_node_id" text;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "parent_index" integer;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "depth" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "trigger_timers" ADD CONSTRAINT "trigger_timers_workflow_id_workflows_id_fk" FOREIGN KEY ("workflow_id") REFERENCES "public"."workflows"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trigger_timers" ADD CONSTRAINT "trigger_timers_version_id_workflow_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."workflow_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "dedupe_keys_seen_idx" ON "dedupe_keys" USING btree ("workflow_id","node_id","seen_at");--> statement-breakpoint
CREATE UNIQUE INDEX "runs_fired_uq" ON "runs" USING btree ("workflow_id","trigger_node_id","fired_for") WHERE "runs"."fired_for" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "runs_parent_uq" ON "runs" USING btree ("parent_run_id","parent_node_id","parent_index") WHERE "runs"."parent_run_id" is not null;