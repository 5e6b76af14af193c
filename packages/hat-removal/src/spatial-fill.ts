/**
 * Spatial fill for pixels that no frame shows (docs/ARCHITECTURE.md §7, step 2): an onion-peel pass that fills
 * the hole from its border inwards with the mean of known neighbours (the order of Telea's fast
 * marching, without its gradient term), then Jacobi iterations of Laplace's equation, which make
 * the fill a smooth membrane that meets the border.
 *
 * The peel is a breadth-first search over typed arrays: each layer holds the unknown pixels that
 * touch a pixel known before it (8-neighbourhood), so every pixel is visited a bounded number of
 * times, whatever the hole's depth.
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
  const total = unknown.length;
  let count = 0;
  for (let i = 0; i < total; i++) if (unknown[i]) count++;
  if (count === 0) return 0;
  const todo = new Int32Array(count);
  for (let i = 0, k = 0; i < total; i++) if (unknown[i]) todo[k++] = i;
  const filled = onionPeel(values, channels, width, height, unknown, todo);
  jacobi(values, channels, width, height, todo, iterations);
  return count - filled;
}

/** Layer by layer from the hole's border inwards; returns how many pixels were filled. */
function onionPeel(
  values: Float32Array,
  C: number,
  width: number,
  height: number,
  unknown: Uint8Array,
  todo: Int32Array,
): number {
  // state: 0 = known, 1 = unknown and not queued, 2 = queued in the next layer
  const state = new Uint8Array(unknown.length);
  for (let k = 0; k < todo.length; k++) state[todo[k]] = 1;
  let layer = new Int32Array(todo.length);
  let next = new Int32Array(todo.length);
  let m = 0;
  for (let k = 0; k < todo.length; k++) if (touches(todo[k], state, width, height, 0)) layer[m++] = todo[k];
  for (let k = 0; k < m; k++) state[layer[k]] = 2;
  const acc = new Float64Array(C);
  const vals = new Float32Array(todo.length * C);
  let done = 0;
  while (m > 0) {
    // values of this layer from the pixels known before it (state 0)
    for (let k = 0; k < m; k++) {
      const i = layer[k];
      const x = i % width;
      const y = (i - x) / width;
      acc.fill(0);
      let wsum = 0;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if ((dx === 0 && dy === 0) || xx < 0 || xx >= width) continue;
          const j = yy * width + xx;
          if (state[j] !== 0) continue;
          const w = dx === 0 || dy === 0 ? 1 : Math.SQRT1_2;
          for (let c = 0; c < C; c++) acc[c] += w * values[j * C + c];
          wsum += w;
        }
      }
      for (let c = 0; c < C; c++) vals[k * C + c] = acc[c] / wsum;
    }
    for (let k = 0; k < m; k++) {
      const i = layer[k];
      for (let c = 0; c < C; c++) values[i * C + c] = vals[k * C + c];
      state[i] = 0;
    }
    done += m;
    // the next layer: unknown neighbours of this one
    let m2 = 0;
    for (let k = 0; k < m; k++) {
      const i = layer[k];
      const x = i % width;
      const y = (i - x) / width;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= width) continue;
          const j = yy * width + xx;
          if (state[j] === 1) {
            state[j] = 2;
            next[m2++] = j;
          }
        }
      }
    }
    [layer, next] = [next, layer];
    m = m2;
  }
  return done;
}

/** Whether pixel `i` has an 8-neighbour in state `s`. */
function touches(i: number, state: Uint8Array, width: number, height: number, s: number): boolean {
  const x = i % width;
  const y = (i - x) / width;
  for (let dy = -1; dy <= 1; dy++) {
    const yy = y + dy;
    if (yy < 0 || yy >= height) continue;
    for (let dx = -1; dx <= 1; dx++) {
      const xx = x + dx;
      if ((dx === 0 && dy === 0) || xx < 0 || xx >= width) continue;
      if (state[yy * width + xx] === s) return true;
    }
  }
  return false;
}

/** Jacobi iterations of Laplace's equation over the `todo` pixels (4-neighbourhood). */
function jacobi(
  values: Float32Array,
  C: number,
  width: number,
  height: number,
  todo: Int32Array,
  iterations: number,
): void {
  const tmp = new Float32Array(todo.length * C);
  for (let it = 0; it < iterations; it++) {
    for (let k = 0; k < todo.length; k++) {
      const i = todo[k];
      const x = i % width;
      const l = x > 0;
      const r = x < width - 1;
      const u = i >= width;
      const d = i < (height - 1) * width;
      const n = (l ? 1 : 0) + (r ? 1 : 0) + (u ? 1 : 0) + (d ? 1 : 0);
      for (let c = 0; c < C; c++) {
        if (n === 0) {
          tmp[k * C + c] = values[i * C + c];
          continue;
        }
        let a = 0;
        if (l) a += values[(i - 1) * C + c];
        if (r) a += values[(i + 1) * C + c];
        if (u) a += values[(i - width) * C + c];
        if (d) a += values[(i + width) * C + c];
        tmp[k * C + c] = a / n;
      }
    }
    for (let k = 0; k < todo.length; k++) {
      const i = todo[k];
      for (let c = 0; c < C; c++) values[i * C + c] = tmp[k * C + c];
    }
  }
}
