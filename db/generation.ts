// A per-process counter bumped by every registry write (aliases, versions, models), so caches of
// serving decisions know when to look again. Kept on globalThis: Next's module graph writes, the
// custom server's fast path reads.
const KEY = Symbol.for('modeldock.registry-generation');
type Holder = { [KEY]?: number };

export function registryGeneration(): number {
  return (globalThis as Holder)[KEY] ?? 0;
}

export function bumpRegistryGeneration(): void {
  const holder = globalThis as Holder;
  holder[KEY] = (holder[KEY] ?? 0) + 1;
}
