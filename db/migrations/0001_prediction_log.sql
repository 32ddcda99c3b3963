CREATE TABLE `prediction_keys` (
	`model_id` integer NOT NULL,
	`client_id` text NOT NULL,
	`prediction_id` text NOT NULL,
	PRIMARY KEY(`model_id`, `client_id`),
	FOREIGN KEY (`model_id`) REFERENCES `models`(`id`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `prediction_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`model_id` integer NOT NULL,
	`version_id` integer NOT NULL,
	`alias` text,
	`ts` integer NOT NULL,
	`rows` integer NOT NULL,
	`input_codec` integer NOT NULL,
	`inputs` blob NOT NULL,
	`labels` text,
	`output_values` blob,
	`probabilities` blob,
	`classes` text,
	`client_ids` text,
	`latency_us` integer NOT NULL,
	`source` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`model_id`) REFERENCES `models`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`version_id`) REFERENCES `model_versions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `prediction_requests_version_ts_idx` ON `prediction_requests` (`version_id`,`ts`);