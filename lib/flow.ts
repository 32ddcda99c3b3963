// Logic written once for a synchronous store (SQLite's prepared statements) and an asynchronous one
// (PostgreSQL): a flow is a generator that yields each read or write it needs as a function of the
// store and is sent back the result. `runFlow` answers synchronously (inside a SQLite transaction,
// where no await may happen); `runFlowAsync` awaits each answer from the asynchronous twin of the
// store (the same methods, returning promises). Used by the outcome rules and serving's look-ups.
/** The same methods as T, each returning a promise (a store's PostgreSQL twin). */
export type Async<T> = { [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never };

export type Ask<S> = (store: S) => unknown;
export type Flow<S, T> = Generator<Ask<S>, T, unknown>;

/** One question to the store: `const row = yield* ask((st) => st.request(id))`. */
export function* ask<S, R>(op: (store: S) => R): Flow<S, R> {
  return (yield op) as R;
}

export function runFlow<S, T>(flow: Flow<S, T>, store: S): T {
  let step = flow.next();
  while (!step.done) step = flow.next(step.value(store));
  return step.value;
}

export async function runFlowAsync<S, T>(flow: Flow<S, T>, store: Async<S>): Promise<T> {
  // The flow's questions are typed against the synchronous store; its twin has the same methods
  // returning promises, each awaited before the answer goes back.
  const asked = store as unknown as S;
  let step = flow.next();
  while (!step.done) step = flow.next(await step.value(asked));
  return step.value;
}
