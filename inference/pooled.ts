// Typed arrays of the request path on Node's shared Buffer pool. V8 gives every typed array over 64
// bytes an ArrayBuffer of its own, allocated outside the heap and swept at every scavenge: 0.3–1 µs
// each (measured), and a 1-row prediction made five to seven of them (the decoded input twice, the
// batcher's slices, the packed log inputs and outputs). Buffer.allocUnsafe carves anything under
// 4 KB from one 8 KB slab, aligned to 8 bytes, so a typed array over it is a view with no
// allocation of its own (~20 ns); a larger one gets its own buffer, as before. The memory is not
// zeroed: the caller writes every element. A view keeps its slab alive while it lives.

export interface TypedArrayCtor<T> {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
}

/** An uninitialised typed array of `n` elements, a view on the Buffer pool when small. */
export function pooled<T>(Ctor: TypedArrayCtor<T>, n: number): T {
  const bytes = Buffer.allocUnsafe(n * Ctor.BYTES_PER_ELEMENT);
  return new Ctor(bytes.buffer, bytes.byteOffset, n);
}

/** A typed array's own bytes as a Buffer: a view on the same memory, no copy. */
export function bytesOf(a: ArrayBufferView): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}
