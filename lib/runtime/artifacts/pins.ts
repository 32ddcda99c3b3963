// Hashes an upload in progress holds, so a concurrent cleanup never removes a file about to be
// referenced. One set per process (on the runtime): an upload and a model deletion may run in
// either module graph.
export class ArtifactPins {
  private readonly pinned = new Map<string, number>();

  pin(sha256: string): () => void {
    this.pinned.set(sha256, (this.pinned.get(sha256) ?? 0) + 1);
    return () => {
      const n = (this.pinned.get(sha256) ?? 1) - 1;
      if (n <= 0) this.pinned.delete(sha256);
      else this.pinned.set(sha256, n);
    };
  }

  isPinned(sha256: string): boolean {
    return this.pinned.has(sha256);
  }
}
