/**
 * The fixed 1-D sinusoid position table of docs/ARCHITECTURE.md §4 (Vaswani et al. 2017, as VideoMAE uses it
 * over the flattened token index): `angle = n / 10000^(2 floor(j/2) / D)`, `sin` on even channels,
 * `cos` on odd ones. Computed in float64, stored as float32, as the reference does.
 */

/** The `[N, D]` table, row-major. */
export function sinusoidTable(n: number, d: number): Float32Array {
  const out = new Float32Array(n * d);
  for (let j = 0; j < d; j++) {
    const denom = Math.pow(10000, (2 * Math.floor(j / 2)) / d);
    const even = j % 2 === 0;
    for (let pos = 0; pos < n; pos++) {
      const a = pos / denom;
      out[pos * d + j] = even ? Math.sin(a) : Math.cos(a);
    }
  }
  return out;
}

/** Rows `rows` of a `[N, D]` table, as a new `[rows.length, D]` array. */
export function tableRows(table: Float32Array, d: number, rows: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rows.length * d);
  for (let i = 0; i < rows.length; i++) out.set(table.subarray(rows[i] * d, rows[i] * d + d), i * d);
  return out;
}
