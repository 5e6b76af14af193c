/**
 * Spatial fill for pixels that no frame shows (docs/ARCHITECTURE.md §7, step 2): an onion-peel pass that fills
 * the hole from its border inwards with the mean of known neighbours (the order of Telea's fast
 * marching, without its gradient term), then Jacobi iterations of Laplace's equation, which make
 * the fill a smooth membrane that meets the border.
 */

/**
 * Fills `unknown` pixels (1 = unknown) of an interleaved `[H, W, C]` float image in place.
 * Returns the number of pixels that stayed unfilled (0 unless the whole image was unknown).
 */
export function membraneFill(
  values: Float32Array,
  channels: number,
  width: number,
  height: number,
  unknown: Uint8Array,
  iterations = 20,
): number {
  const C = channels;
  const todo: number[] = [];
  for (let i = 0; i < unknown.length; i++) if (unknown[i]) todo.push(i);
  if (todo.length === 0) return 0;
  const known = new Uint8Array(unknown.length);
  for (let i = 0; i < known.length; i++) known[i] = unknown[i] ? 0 : 1;
  const acc = new Float64Array(C);
  // Onion peel: each pass fills the unknown pixels that touch a known one (8-neighbourhood).
  let frontier = todo;
  while (frontier.length > 0) {
    const filled: number[] = [];
    const rest: number[] = [];
    const vals: number[] = [];
    for (const i of frontier) {
      const x = i % width;
      const y = (i - x) / width;
      acc.fill(0);
      let n = 0;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if ((dx === 0 && dy === 0) || xx < 0 || xx >= width) continue;
          const j = yy * width + xx;
          if (!known[j]) continue;
          const w = dx === 0 || dy === 0 ? 1 : Math.SQRT1_2;
          for (let c = 0; c < C; c++) acc[c] += w * values[j * C + c];
          n += w;
        }
      }
      if (n > 0) {
        filled.push(i);
        for (let c = 0; c < C; c++) vals.push(acc[c] / n);
      } else rest.push(i);
    }
    if (filled.length === 0) break;
    filled.forEach((i, k) => {
      for (let c = 0; c < C; c++) values[i * C + c] = vals[k * C + c];
      known[i] = 1;
    });
    frontier = rest;
  }
  // Jacobi smoothing of the filled pixels towards a harmonic membrane.
  const tmp = new Float32Array(todo.length * C);
  for (let it = 0; it < iterations; it++) {
    todo.forEach((i, k) => {
      const x = i % width;
      const y = (i - x) / width;
      let n = 0;
      acc.fill(0);
      const add = (j: number): void => {
        for (let c = 0; c < C; c++) acc[c] += values[j * C + c];
        n++;
      };
      if (x > 0) add(i - 1);
      if (x < width - 1) add(i + 1);
      if (y > 0) add(i - width);
      if (y < height - 1) add(i + width);
      for (let c = 0; c < C; c++) tmp[k * C + c] = n ? acc[c] / n : values[i * C + c];
    });
    todo.forEach((i, k) => {
      for (let c = 0; c < C; c++) values[i * C + c] = tmp[k * C + c];
    });
  }
  return frontier.length;
}
