-- Steps recorded before step data was stored apart kept their items in their row
-- (`output`: items per port). Each port becomes one part: a chunk of its items' `json`
-- and, when they have a pairing other than their own index, a chunk of their `pairedItem`s.
CREATE TEMPORARY TABLE "earlier_ports" ON COMMIT DROP AS
SELECT s."run_id", s."node_id", p."key" AS "port", p."ordinality" AS "at",
  jsonb_array_length(p."value") AS "count",
  (SELECT coalesce(jsonb_agg(e."value"->'json' ORDER BY e."ordinality"), '[]'::jsonb) FROM jsonb_array_elements(p."value") WITH ORDINALITY e) AS "json",
  (SELECT coalesce(jsonb_agg(coalesce(e."value"->'pairedItem', 'null'::jsonb) ORDER BY e."ordinality"), '[]'::jsonb) FROM jsonb_array_elements(p."value") WITH ORDINALITY e) AS "paired",
  (SELECT CASE
      WHEN coalesce(bool_and(NOT (e."value" ? 'pairedItem')), true) THEN 'none'
      WHEN bool_and(e."value"->'pairedItem' = to_jsonb(e."ordinality" - 1)) THEN 'index'
      ELSE 'parts' END
    FROM jsonb_array_elements(p."value") WITH ORDINALITY e) AS "mode"
FROM "steps" s CROSS JOIN LATERAL jsonb_each(s."output") WITH ORDINALITY p
WHERE jsonb_typeof(s."output") = 'object' AND jsonb_typeof(p."value") = 'array';
--> statement-breakpoint
ALTER TABLE "earlier_ports" ADD COLUMN "json_hash" text, ADD COLUMN "paired_hash" text;
--> statement-breakpoint
UPDATE "earlier_ports" SET
  "json_hash" = 'earlier-' || encode(sha256(convert_to("json"::text, 'UTF8')), 'hex'),
  "paired_hash" = 'earlier-' || encode(sha256(convert_to("paired"::text, 'UTF8')), 'hex');
--> statement-breakpoint
INSERT INTO "step_data" ("run_id", "hash", "count", "bytes", "items")
SELECT "run_id", "json_hash", "count", octet_length("json"::text), "json" FROM "earlier_ports" WHERE "count" > 0
UNION ALL
SELECT "run_id", "paired_hash", "count", octet_length("paired"::text), "paired" FROM "earlier_ports" WHERE "count" > 0 AND "mode" = 'parts'
ON CONFLICT ("run_id", "hash") DO NOTHING;
--> statement-breakpoint
UPDATE "steps" s SET "output" = coalesce((
  SELECT jsonb_agg(jsonb_build_object(
      'port', l."port", 'count', l."count", 'bytes', octet_length(l."json"::text), 'paired', l."mode",
      'parts', CASE WHEN l."count" = 0 THEN '[]'::jsonb ELSE jsonb_build_array(
        jsonb_build_object('count', l."count", 'bytes', octet_length(l."json"::text), 'json', l."json_hash")
        || CASE WHEN l."mode" = 'parts' THEN jsonb_build_object('paired', l."paired_hash") ELSE '{}'::jsonb END) END)
    ORDER BY l."at")
  FROM "earlier_ports" l WHERE l."run_id" = s."run_id" AND l."node_id" = s."node_id"), '[]'::jsonb)
WHERE jsonb_typeof(s."output") = 'object';
