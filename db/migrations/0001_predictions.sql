CREATE TABLE `predictions` (
	`id` text PRIMARY KEY NOT NULL,
	`model_id` integer NOT NULL,
	`version_id` integer NOT NULL,
	`alias` text,
	`ts` integer NOT NULL,
	`client_id` text,
	`input_codec` integer NOT NULL,
	`inputs` blob NOT NULL,
	`label` text,
	`value` real,
	`probabilities` blob,
	`latency_us` integer NOT NULL,
	`source` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`model_id`) REFERENCES `models`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`version_id`) REFERENCES `model_versions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `predictions_version_ts_idx` ON `predictions` (`version_id`,`ts`);--> statement-breakpoint
CREATE INDEX `predictions_model_client_idx` ON `predictions` (`model_id`,`client_id`);