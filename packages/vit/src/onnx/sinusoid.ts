/**
 * The fixed 1-D sinusoid position table of docs/ARCHITECTURE.md §4 (VideoMAE, Tong et al. 2022, §3.3 /
 * "Attention is all you need" §3.5): for position n and channel j,
 * angle = n / 10000^(2 floor(j/2) / D); even channels take sin, odd channels cos.
 */

/** The table `[n, d]`, row-major, computed in float64 and stored as float32. */
export function sinusoidTable(n: number, d: number): Float32Array {
  const table = new Float32Array(n * d);
  for (let pos = 0; pos < n; pos++) {
    for (let j = 0; j < d; j++) {
      const angle = pos / Math.pow(10000, (2 * Math.floor(j / 2)) / d);
      table[pos * d + j] = j % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return table;
}
