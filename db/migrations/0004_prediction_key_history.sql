-- prediction_keys keeps every row that carried a client id, with its time (was: only the latest
-- row per id), so that an outcome by model + id can label the latest prediction at or before its ts.
-- The history is rebuilt from the log itself (client_ids of answered and imported requests; shadow
-- copies, source 2, never held keys); a prediction id is the request id and the row in 3 base32 digits.
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_prediction_keys` (
	`model_id` integer NOT NULL,
	`client_id` text NOT NULL,
	`ts` integer NOT NULL,
	`prediction_id` text NOT NULL,
	PRIMARY KEY(`model_id`, `client_id`, `ts`, `prediction_id`),
	FOREIGN KEY (`model_id`) REFERENCES `models`(`id`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;
--> statement-breakpoint
INSERT OR IGNORE INTO `__new_prediction_keys`("model_id", "client_id", "ts", "prediction_id")
SELECT r.`model_id`, j.value, r.`ts`,
  r.`id` || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', ((j.key >> 10) & 31) + 1, 1)
         || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', ((j.key >> 5) & 31) + 1, 1)
         || substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', (j.key & 31) + 1, 1)
FROM `prediction_requests` r, json_each(r.`client_ids`) j
WHERE r.`client_ids` IS NOT NULL AND r.`source` <> 2 AND j.type = 'text';--> statement-breakpoint
DROP TABLE `prediction_keys`;--> statement-breakpoint
ALTER TABLE `__new_prediction_keys` RENAME TO `prediction_keys`;--> statement-breakpoint
PRAGMA foreign_keys=ON;
