// @ts-check
/**
 * The audit strip under the player: one bar per output frame (the audit's highest person score
 * when it wrote one, else the number of persons it detected), flagged frames in red, and the
 * current frame as a white cursor. Clicking or dragging on the strip seeks.
 */

/**
 * @typedef {object} StripData
 * @property {number} frames
 * @property {readonly number[] | null} values per-frame scores in [0, 1] or person counts
 * @property {boolean} scores true when `values` are scores
 * @property {ReadonlySet<number>} flagged frames the audit flagged
 * @property {number | null} minScore
 */

/**
 * Draws the strip.
 * @param {HTMLCanvasElement} canvas
 * @param {StripData} d
 * @param {number} current
 */
export function drawStrip(canvas, d, current) {
  const w = (canvas.width = Math.max(1, Math.round(canvas.clientWidth * devicePixelRatio)));
  const h = (canvas.height = Math.round(56 * devicePixelRatio));
  const g = canvas.getContext('2d');
  if (!g || d.frames === 0) return;
  g.clearRect(0, 0, w, h);
  const bw = w / d.frames;
  const top = Math.max(1, ...(d.scores ? [1] : (d.values ?? [0]))); // bar height scale
  for (let t = 0; t < d.frames; t++) {
    const x = t * bw;
    const flagged = d.flagged.has(t);
    if (flagged) {
      g.fillStyle = 'rgba(229, 72, 77, 0.25)';
      g.fillRect(x, 0, Math.max(1, bw), h);
    }
    if (d.values) {
      g.fillStyle = 'rgba(154, 160, 168, 0.5)'; // a tick per audited frame, so zero reads as zero, not as missing
      g.fillRect(x, h - 2 * devicePixelRatio, Math.max(1, bw - (bw > 3 ? 1 : 0)), 2 * devicePixelRatio);
    }
    const v = d.values?.[t] ?? 0;
    const bh = (v / top) * (h - 8);
    g.fillStyle = flagged ? '#e5484d' : '#5b8def';
    g.fillRect(x, h - bh, Math.max(1, bw - (bw > 3 ? 1 : 0)), bh);
    if (flagged) g.fillRect(x, 0, Math.max(1, bw), 4 * devicePixelRatio);
  }
  if (d.scores && d.minScore !== null) {
    const y = h - d.minScore * (h - 8);
    g.strokeStyle = 'rgba(255,255,255,0.4)';
    g.setLineDash([4, 4]);
    g.beginPath();
    g.moveTo(0, y);
    g.lineTo(w, y);
    g.stroke();
    g.setLineDash([]);
  }
  g.fillStyle = '#ffffff';
  g.fillRect(Math.min(w - 2, (current + 0.5) * bw - 1), 0, 2 * devicePixelRatio, h);
}

/**
 * The frame under a pointer event on the strip.
 * @param {HTMLCanvasElement} canvas
 * @param {MouseEvent} e
 * @param {number} frames
 */
export function frameAt(canvas, e, frames) {
  const r = canvas.getBoundingClientRect();
  const t = Math.floor(((e.clientX - r.left) / Math.max(1, r.width)) * frames);
  return Math.min(frames - 1, Math.max(0, t));
}
