// The kinds of event a timeline holds (the database's enum and the UI's words read the same list). Client-safe.
export const EVENT_KINDS = [
  'model_created',
  'model_updated',
  'version_uploaded',
  'version_updated',
  'version_archived',
  'version_restored',
  'alias_moved',
  'alias_deleted',
  'policy_updated',
  'split_set',
  'split_ended',
  'shadow_set',
  'shadow_ended',
  'key_created',
  'key_revoked',
  'user_created',
  'model_deleted',
  'webhook_created',
  'webhook_deleted',
  'predictions_erased',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];
