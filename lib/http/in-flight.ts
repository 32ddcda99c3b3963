// The responses under way, so a shutdown can tell their connections to close once they are answered.
// An array with each response's slot kept on the response, not a Set: a Set with an add and a delete
// per request is rehashed every few dozen requests, and V8 links each old table to its new one and,
// once the Set has lived through a major GC, allocates the new tables in the old generation. The dead
// tables then keep the responses they held (each with its request, socket buffers and handlers) alive
// until the next major GC: every response is promoted (issue 13). Removing from an array leaves no
// such link.
import type { ServerResponse } from 'node:http';

const SLOT = Symbol('modeldock.inFlightSlot');
type Tracked = ServerResponse & { [SLOT]?: number };

export class InFlight {
  private readonly list: Tracked[] = [];

  add(res: ServerResponse): void {
    const r = res as Tracked;
    if (r[SLOT] !== undefined) return;
    r[SLOT] = this.list.length;
    this.list.push(r);
  }

  delete(res: ServerResponse): void {
    const r = res as Tracked;
    const i = r[SLOT];
    if (i === undefined || this.list[i] !== r) return;
    const last = this.list.pop()!;
    if (last !== r) {
      this.list[i] = last;
      last[SLOT] = i;
    }
    r[SLOT] = undefined;
  }

  get size(): number {
    return this.list.length;
  }

  /** A copy: the responses under way now (a caller may end some while it iterates). */
  snapshot(): ServerResponse[] {
    return this.list.slice();
  }
}
