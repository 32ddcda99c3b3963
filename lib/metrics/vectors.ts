// Small vector helpers shared by the metrics modules.

export function sum(values: number[]): number {
  return values.reduce((s, v) => s + v, 0);
}

export function assertSameLength(a: number[], b: number[]): void {
  if (a.length !== b.length) throw new RangeError(`vectors differ in length: ${a.length} vs ${b.length}`);
}
