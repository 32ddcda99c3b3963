// The tasks a model can serve: the one definition, shared by the database's enum, the API's zod
// schemas and output interpretation.
export const TASKS = ['binary_classification', 'multiclass_classification', 'regression'] as const;
export type Task = (typeof TASKS)[number];
