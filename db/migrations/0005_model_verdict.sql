-- The retraining verdict is stored per model (its production version's, on the policy's own windows), so
-- every page shows the same one; null until it is first computed.
ALTER TABLE `models` ADD `verdict` text;