// Errors the inference layer raises about a request; lib/server maps them to HTTP statuses.

/** The request does not fit the model (wrong shape, type or names). `path` names the field. */
export class InputError extends Error {
  constructor(
    readonly path: string,
    message: string,
    readonly status: 400 | 413 | 422 = 400,
  ) {
    super(`${path}: ${message}`);
    this.name = 'InputError';
  }
}
