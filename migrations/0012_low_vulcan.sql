CREATE TABLE "variable_revision" (
	"one" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"revision" bigint NOT NULL,
	CONSTRAINT "variable_revision_one_row" CHECK ("variable_revision"."one")
);
