ALTER TABLE "rollup_hours" ALTER COLUMN "hour" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "rollup_labeled_hours" ALTER COLUMN "hour" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "validation_failures" ALTER COLUMN "hour" SET DATA TYPE bigint;