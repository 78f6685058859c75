-- Webhook paths are one path whatever their case (the next migration's unique index).
-- Of registrations differing only in case, the earliest keeps the path; the others are
-- removed (their workflows answer 409 when activated again, naming the conflict).
DELETE FROM "webhooks" AS w
USING "webhooks" AS o
WHERE o."method" = w."method"
  AND lower(o."path") = lower(w."path")
  AND o."path" <> w."path"
  AND (o."created_at", o."path") < (w."created_at", w."path");
