CREATE TABLE `monitoring_state` (
	`key` text PRIMARY KEY NOT NULL,
	`value` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `outcomes` (
	`prediction_id` text PRIMARY KEY NOT NULL,
	`model_id` integer NOT NULL,
	`version_id` integer NOT NULL,
	`pred_ts` integer NOT NULL,
	`actual_label` text,
	`actual_value` real,
	`ts` integer NOT NULL,
	FOREIGN KEY (`model_id`) REFERENCES `models`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`version_id`) REFERENCES `model_versions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `outcomes_version_pred_ts_idx` ON `outcomes` (`version_id`,`pred_ts`);--> statement-breakpoint
CREATE TABLE `rollup_hours` (
	`version_id` integer NOT NULL,
	`hour` integer NOT NULL,
	`count` integer NOT NULL,
	`latency` blob NOT NULL,
	`predictions` text NOT NULL,
	`features` blob,
	PRIMARY KEY(`version_id`, `hour`),
	FOREIGN KEY (`version_id`) REFERENCES `model_versions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `rollup_labeled_hours` (
	`version_id` integer NOT NULL,
	`hour` integer NOT NULL,
	`labeled` integer NOT NULL,
	`stats` text NOT NULL,
	PRIMARY KEY(`version_id`, `hour`),
	FOREIGN KEY (`version_id`) REFERENCES `model_versions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `model_versions` ADD `profile` text;--> statement-breakpoint
ALTER TABLE `models` ADD `retraining_reason` text;--> statement-breakpoint
ALTER TABLE `models` ADD `policy` text;