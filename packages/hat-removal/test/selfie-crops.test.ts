import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@ppma/core';
import { decodeFrames } from '@ppma/video-io';
import { createDetector, createSegmenter } from '../src/index.js';

const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'pedestrians-96f-384x288.mp4');
beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('selfie-crops segmenter', () => {
  it('segments people inside the detector boxes and nowhere else; names both licences', async () => {
    const frames = await decodeFrames(fixture, { indices: [39, 60] });
    const seg = await createSegmenter('selfie-crops', { detector: 'centernet', minScore: 0.4 });
    expect(seg.info.licence).toBe('Apache-2.0 + unknown');
    const masks = await seg.segment(frames);
    seg.dispose();
    const det = await createDetector('centernet', { minScore: 0.4 });
    const boxes = await det.detect(frames);
    det.dispose();
    const { width: W, height: H } = frames;
    for (let t = 0; t < 2; t++) {
      let inside = 0;
      let outside = 0;
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          if (masks.data[(t * H + y) * W + x] < 128) continue;
          // crops are squares around the grown box, so allow the box's longer side as a margin
          const near = boxes[t].some((b) => {
            const m = Math.max(b.x2 - b.x1, b.y2 - b.y1);
            return x >= b.x1 - m && x <= b.x2 + m && y >= b.y1 - m && y <= b.y2 + m;
          });
          if (near) inside++;
          else outside++;
        }
      }
      expect(boxes[t].length).toBeGreaterThan(0);
      expect(inside).toBeGreaterThan(100); // some person pixels found (pedestrians are ~15x40 px)
      expect(outside).toBe(0);
    }
  });
});
