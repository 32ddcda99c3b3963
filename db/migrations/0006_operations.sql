CREATE TABLE `jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`webhook_id` integer,
	`event` text,
	`model_id` integer,
	`payload` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_at` integer NOT NULL,
	`response_status` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`webhook_id`) REFERENCES `webhooks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `jobs_status_next_at_idx` ON `jobs` (`status`,`next_at`);--> statement-breakpoint
CREATE INDEX `jobs_webhook_id_created_at_idx` ON `jobs` (`webhook_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `validation_failures` (
	`model_id` integer NOT NULL,
	`hour` integer NOT NULL,
	`reason` text NOT NULL,
	`path` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`model_id`, `hour`, `reason`, `path`),
	FOREIGN KEY (`model_id`) REFERENCES `models`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `webhooks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`url` text NOT NULL,
	`events` text NOT NULL,
	`models` text NOT NULL,
	`format` text DEFAULT 'json' NOT NULL,
	`secret` text NOT NULL,
	`headers` text,
	`description` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` text NOT NULL
);
--> statement-breakpoint
ALTER TABLE `prediction_requests` ADD `erased` text;--> statement-breakpoint
ALTER TABLE `rollup_hours` ADD `quality` blob;