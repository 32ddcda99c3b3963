// The responses under way, so a shutdown can tell their connections to close once they are answered.
// An array that never shrinks, with each response's slot kept on the response, not a Set: a Set with
// an add and a delete per request is rehashed every few dozen requests, and V8 links each old table to
// its new one and, once the Set has lived through a major GC, allocates the new tables in the old
// generation. The dead tables then keep the responses they held (each with its request, socket
// buffers and handlers) alive until the next major GC: every response was promoted (issue 13). The
// array only grows, to the peak number of requests under way, and a freed slot is overwritten, so no
// dead copy of it holds a response either.
import type { ServerResponse } from 'node:http';

// One symbol for every registry: a response belongs to at most one (the server has one).
const SLOT = Symbol('modeldock.inFlightSlot');
type Tracked = ServerResponse & { [SLOT]?: number };

export class InFlight {
  private readonly slots: (Tracked | undefined)[] = [];
  private count = 0;

  add(res: ServerResponse): void {
    const r = res as Tracked;
    if (r[SLOT] !== undefined) return;
    r[SLOT] = this.count;
    if (this.count === this.slots.length) this.slots.push(r);
    else this.slots[this.count] = r;
    this.count++;
  }

  delete(res: ServerResponse): void {
    const r = res as Tracked;
    const i = r[SLOT];
    if (i === undefined || i >= this.count || this.slots[i] !== r) return;
    const lastIndex = this.count - 1;
    const last = this.slots[lastIndex]!;
    this.slots[i] = last;
    last[SLOT] = i;
    this.slots[lastIndex] = undefined;
    this.count = lastIndex;
    r[SLOT] = undefined;
  }

  get size(): number {
    return this.count;
  }

  /** A copy: the responses under way now (a caller may end some while it iterates). */
  snapshot(): ServerResponse[] {
    return this.slots.slice(0, this.count) as ServerResponse[];
  }
}
