/**
 * The sliding window of one video's removal (docs/ARCHITECTURE.md §7): per frame the pixels, the soft
 * mask, the catch's detections, the shot and the camera path; refinement and inpainting read
 * windows of it and never look across a shot cut.
 */
import { fillUncoveredBoxes, trackedBoxes, type TrackFrame } from './box-tracking.js';
import type { DetectionBox, FrameBatch, MaskBatch } from './frames.js';
import { sliceFrames } from './frames.js';
import { estimateShift, type Shift } from './global-motion.js';
import { catchMissedPeople, refineMasks } from './mask-refine.js';
import type { RemovalProfile } from './removal-profile.js';
import type { RemoveVideoOptions } from './remove-video.js';
import { frameSignature, isCut, type FrameSignature } from './shot-detect.js';
import { BackgroundSampler, inpaintWindow, type InpaintStats } from './temporal-inpaint.js';

interface Rec {
  rgb: Uint8Array;
  soft: Uint8Array;
  known: Uint8Array;
  detected: DetectionBox[] | null;
  mask?: Uint8Array;
  path: Shift;
  shot: number;
  /** Signature without the segmented people. */
  sig: FrameSignature;
}

/** A decoded chunk whose segmentation and catch detections are under way ({@link FrameStore.prepare}). */
export interface PreparedChunk {
  readonly dec: FrameBatch;
  /** Video index of its first frame. */
  readonly first: number;
  /** Per frame: the whole-frame signature differs from the previous frame's like a cut. */
  readonly candidate: readonly boolean[];
  readonly soft: Promise<SegmentedChunk>;
  /** Catch boxes by chunk-relative frame. */
  readonly found: Promise<Map<number, DetectionBox[]>>;
}

/** What the segmentation of one chunk gave. */
interface SegmentedChunk {
  /** Soft masks `[frames, H, W]`; the frames from `tailFrom` on are filled in by the next chunk. */
  readonly soft: Uint8Array;
  readonly tailFrom: number;
  /** The previous chunk's last frame's mask, when it was segmented to close a shot piece. */
  readonly prevLast: Uint8Array | null;
}

/** A chunk's frames as {@link FrameStore.add} holds them until they are complete. */
interface HeldChunk {
  readonly dec: FrameBatch;
  readonly first: number;
  readonly candidate: readonly boolean[];
  readonly found: Map<number, DetectionBox[]>;
  readonly soft: Uint8Array;
  /** Its first unsegmented tail frame (chunk-relative). */
  readonly from: number;
}

/** One complete frame, before it is recorded. */
interface Pending {
  readonly rgb: Uint8Array;
  readonly soft: Uint8Array;
  readonly candidate: boolean;
  readonly detected: DetectionBox[] | null;
}

function pendingFrame(c: HeldChunk, k: number, soft: Uint8Array): Pending {
  const n = c.dec.width * c.dec.height;
  return {
    rgb: c.dec.data.subarray(k * n * 3, (k + 1) * n * 3),
    soft,
    candidate: c.candidate[k],
    detected: c.found.get(k) ?? null,
  };
}

/** Frames of one video between decoding and encoding. */
export class FrameStore {
  private readonly recs = new Map<number, Rec>();
  private readonly n: number;
  private readonly R: number;
  private readonly thr: number;
  /** Frames decoded, segmented and detected. */
  loaded = 0;
  /** Frames with a refined mask. */
  refined = 0;
  /** Sum over refined frames of the masked fraction. */
  masked = 0;
  maxShift = 0;
  readonly cuts: number[] = [];
  readonly filled: InpaintStats = { temporal: 0, spatial: 0 };
  /** The whole-frame signature of the last prepared frame. */
  private lastPlain: FrameSignature | undefined;
  /** The segmentation and the detections of the chunks prepared so far, in order. */
  private segQueue: Promise<unknown> = Promise.resolve();
  private detQueue: Promise<unknown> = Promise.resolve();
  /** The last chunk prepared, and whether its segmentation left a tail (in segmentation order). */
  private lastPrepared: FrameBatch | null = null;
  private tailPending = false;
  /** The last chunk added, while its tail waits for the next chunk's masks. */
  private tail: HeldChunk | null = null;

  constructor(
    private readonly W: number,
    private readonly H: number,
    /** Frames of the video. */
    private readonly T: number,
    private readonly opts: RemoveVideoOptions,
    private readonly sec: RemovalProfile,
  ) {
    this.n = W * H;
    this.R = opts.inpaint?.radius ?? 24;
    this.thr = opts.refine?.threshold ?? 64;
  }

  private rec(t: number): Rec {
    return this.recs.get(t)!;
  }

  private windowOf(lo: number, hi: number, key: 'rgb' | 'soft' | 'mask' | 'known'): FrameBatch {
    const per = key === 'rgb' ? this.n * 3 : this.n;
    const data = new Uint8Array((hi - lo) * per);
    for (let t = lo; t < hi; t++) data.set(this.rec(t)[key]!, (t - lo) * per);
    return { data, frames: hi - lo, width: this.W, height: this.H };
  }

  private shotsOf(lo: number, hi: number): number[] {
    return Array.from({ length: hi - lo }, (_, k) => this.rec(lo + k).shot);
  }

  private pathOf(lo: number, hi: number): Shift[] {
    return Array.from({ length: hi - lo }, (_, k) => this.rec(lo + k).path);
  }

  /**
   * Starts the work on a decoded chunk that needs nothing but its pixels: the candidate cuts, then
   * its segmentation (the segmenter restarts at each candidate) and its catch detections, each queued
   * behind the previous chunk's. With the models in worker threads this runs ahead while the main
   * thread refines and inpaints the chunk before (docs/ARCHITECTURE.md §7 "Throughput"). Chunks must
   * be prepared in order, each exactly once, and then {@link FrameStore.add}ed in the same order.
   */
  prepare(dec: FrameBatch, first: number, onFrame: () => void): PreparedChunk {
    const { W, H, n, opts, sec } = this;
    const s = performance.now();
    // Candidate cuts from the whole frames; a candidate stays a cut only if the frames still differ
    // with the segmented people left out (see add).
    const plain: FrameSignature[] = [];
    const starts: number[] = [0]; // chunk-relative starts of the pieces between candidate cuts
    const candidate: boolean[] = [];
    for (let k = 0; k < dec.frames; k++) {
      plain.push(frameSignature(dec.data.subarray(k * n * 3, (k + 1) * n * 3), W, H));
      const before = k > 0 ? plain[k - 1] : this.lastPlain;
      candidate.push(Boolean(before && opts.shots !== false && isCut(before, plain[k], opts.shots || {})));
      if (candidate[k] && k > 0) starts.push(k);
    }
    this.lastPlain = plain[dec.frames - 1];
    sec.motion += (performance.now() - s) / 1000;
    // The previous chunk's unsegmented tail ends a shot piece when this chunk starts with a candidate cut.
    const closePrev = candidate[0] ? this.lastPrepared : null;
    const soft = this.segQueue.then(() => this.segmentChunk(dec, first, starts, candidate[0], closePrev, onFrame));
    const found = this.detQueue.then(() => this.detectChunk(dec, first));
    this.segQueue = soft;
    this.detQueue = found;
    soft.catch(() => undefined); // awaited in add(); this only keeps an early failure from being "unhandled"
    found.catch(() => undefined);
    this.lastPrepared = dec;
    return { dec, first, candidate, soft, found };
  }

  /**
   * Segments one prepared chunk, piece by piece (a new shot: no recurrent state from the last one).
   * A chunk's last piece stops at its last strided frame unless the video ends there: the frames
   * after it wait for the next chunk's first (always segmented) frame, or, when that frame starts a
   * candidate cut, for the previous chunk's last frame (`closePrev`), segmented here before the reset.
   */
  private async segmentChunk(
    dec: FrameBatch,
    first: number,
    starts: readonly number[],
    resetFirst: boolean,
    closePrev: FrameBatch | null,
    onFrame: () => void,
  ): Promise<SegmentedChunk> {
    const s = performance.now();
    const { n } = this;
    const soft = new Uint8Array(dec.frames * n);
    let prevLast: Uint8Array | null = null;
    if (closePrev && this.tailPending) {
      prevLast = (await this.opts.segmenter.segment(sliceFrames(closePrev, closePrev.frames - 1, 1))).data;
    }
    this.tailPending = false;
    let tailFrom = dec.frames;
    for (let p = 0; p < starts.length; p++) {
      const a = starts[p];
      const b = p + 1 < starts.length ? starts[p + 1] : dec.frames;
      if (p > 0 || resetFirst) this.opts.segmenter.reset();
      const open = b === dec.frames && first + b < this.T;
      tailFrom = await this.segmentPiece(dec, first, a, b, soft, open, onFrame);
    }
    this.tailPending = tailFrom < dec.frames;
    this.sec.segment += (performance.now() - s) / 1000;
    return { soft, tailFrom, prevLast };
  }

  /** The catch detector's boxes on every `catchStride`-th frame of the chunk (and the video's last). */
  private async detectChunk(dec: FrameBatch, first: number): Promise<Map<number, DetectionBox[]>> {
    const det = this.opts.catchDetector;
    if (!det) return new Map();
    const s = performance.now();
    const stride = this.opts.catchStride ?? 3;
    const idx = Array.from({ length: dec.frames }, (_, k) => k).filter(
      (k) => (first + k) % stride === 0 || first + k === this.T - 1,
    );
    const found = await detectAt(det, dec, idx);
    this.sec.detect += (performance.now() - s) / 1000;
    return found;
  }

  /**
   * Adds a prepared chunk: waits for its masks and boxes, completes the previous chunk's tail (its
   * masks: the maximum of the segmented frames on either side), then confirms the cuts and estimates
   * the camera motion of every frame that is complete; this chunk's own tail waits for the next.
   */
  async add(prep: PreparedChunk): Promise<void> {
    const { n, sec } = this;
    const { dec, first, candidate } = prep;
    const s = performance.now();
    const seg = await prep.soft;
    const found = await prep.found;
    sec.wait += (performance.now() - s) / 1000;
    const list: Pending[] = [];
    const tail = this.tail;
    if (tail) {
      if (tail.first + tail.dec.frames !== first) throw new Error(`chunk at frame ${first} added out of order`);
      const left = tail.soft.subarray((tail.from - 1) * n, tail.from * n);
      const last = tail.dec.frames - 1;
      const right = seg.prevLast ?? seg.soft.subarray(0, n);
      for (let k = tail.from; k <= last; k++) {
        const m = tail.soft.subarray(k * n, (k + 1) * n);
        if (k === last && seg.prevLast) m.set(seg.prevLast);
        else for (let i = 0; i < n; i++) m[i] = left[i] > right[i] ? left[i] : right[i];
        list.push(pendingFrame(tail, k, m));
      }
    } else if (first !== this.loaded) throw new Error(`chunk at frame ${first} added after ${this.loaded} frames`);
    const own = { dec, first, candidate, found, soft: seg.soft, from: seg.tailFrom };
    for (let k = 0; k < seg.tailFrom; k++) list.push(pendingFrame(own, k, seg.soft.subarray(k * n, (k + 1) * n)));
    this.tail = seg.tailFrom < dec.frames ? own : null;
    this.commit(list);
  }

  /** Records complete frames (pixels, soft mask, boxes): confirms their cuts, estimates camera motion. */
  private commit(list: readonly Pending[]): void {
    const { W, H, n, opts, sec } = this;
    const s = performance.now();
    const first = this.loaded;
    const prevRec = this.recs.get(first - 1);
    let shot = prevRec?.shot ?? 0;
    const shots: number[] = [];
    const sigs: (FrameSignature | null)[] = list.map(() => null);
    const masked = (k: number): FrameSignature => (sigs[k] ??= frameSignature(list[k].rgb, W, H, list[k].soft));
    for (let k = 0; k < list.length; k++) {
      const before = k > 0 ? masked(k - 1) : prevRec?.sig;
      if (list[k].candidate && before && isCut(before, masked(k), opts.shots || {})) {
        shot++;
        this.cuts.push(first + k);
      }
      shots.push(shot);
    }
    for (let k = 0; k < list.length; k++) {
      const t = first + k;
      const rgb = list[k].rgb.slice();
      const sm = list[k].soft;
      let path: Shift = { dx: 0, dy: 0 };
      const prev = this.recs.get(t - 1);
      if (opts.motion !== 'static' && prev && prev.shot === shots[k]) {
        const d = estimateShift(prev.rgb, rgb, W, H, { maskA: prev.soft, maskB: sm });
        path = { dx: prev.path.dx - d.dx, dy: prev.path.dy - d.dy };
        this.maxShift = Math.max(this.maxShift, Math.hypot(path.dx, path.dy));
      }
      const known = new Uint8Array(n);
      for (let i = 0; i < n; i++) if (sm[i] >= this.thr) known[i] = 255;
      this.recs.set(t, {
        rgb,
        soft: sm.slice(),
        known,
        detected: opts.catchDetector ? list[k].detected : null,
        path,
        shot: shots[k],
        sig: masked(k),
      });
    }
    this.loaded += list.length;
    sec.motion += (performance.now() - s) / 1000;
  }

  /**
   * Segments chunk frames `[a, b)` (one shot piece) into `soft`: every `segmentStride`-th frame of
   * the video, the piece's first and, unless `open`, its last go through the segmenter; a frame between
   * takes the per-pixel maximum of the segmented frames on either side, which covers a person moving
   * between them. Returns where the unsegmented tail of an open piece starts (`b` when there is none).
   */
  private async segmentPiece(
    dec: FrameBatch,
    first: number,
    a: number,
    b: number,
    soft: Uint8Array,
    open: boolean,
    onFrame: () => void,
  ): Promise<number> {
    const { n } = this;
    const stride = Math.max(1, this.opts.segmentStride ?? 1);
    const idx = Array.from({ length: b - a }, (_, k) => a + k).filter(
      (k) => (first + k) % stride === 0 || k === a || (k === b - 1 && !open),
    );
    if (idx.length === b - a) {
      soft.set((await this.opts.segmenter.segment(sliceFrames(dec, a, b - a), onFrame)).data, a * n);
      return b;
    }
    const sub = new Uint8Array(idx.length * n * 3);
    idx.forEach((k, j) => sub.set(dec.data.subarray(k * n * 3, (k + 1) * n * 3), j * n * 3));
    let done = a;
    const seg = await this.opts.segmenter.segment({ ...dec, data: sub, frames: idx.length }, () => {
      // the frames up to the next segmented one are done once it is
      const upto =
        idx[
          Math.min(
            idx.length - 1,
            idx.findIndex((k) => k >= done),
          )
        ] + 1;
      for (; done < upto; done++) onFrame();
    });
    for (; done < b; done++) onFrame();
    idx.forEach((k, j) => soft.set(seg.data.subarray(j * n, (j + 1) * n), k * n));
    for (let j = 0; j + 1 < idx.length; j++) {
      const lo = soft.subarray(idx[j] * n, (idx[j] + 1) * n);
      const hi = soft.subarray(idx[j + 1] * n, (idx[j + 1] + 1) * n);
      for (let k = idx[j] + 1; k < idx[j + 1]; k++) {
        const m = soft.subarray(k * n, (k + 1) * n);
        for (let i = 0; i < n; i++) m[i] = lo[i] > hi[i] ? lo[i] : hi[i];
      }
    }
    return idx[idx.length - 1] + 1;
  }

  /** Refines the masks of frames up to `end` (the catch, smoothing, dilation); copies them into `all`. */
  refineUpTo(end: number, all?: Uint8Array): void {
    if (end <= this.refined) return;
    const { n, R, opts, W, H } = this;
    const s = performance.now();
    const lo = Math.max(0, this.refined - 1);
    const hi = Math.min(this.loaded, end + 1);
    const soft = this.windowOf(lo, hi, 'soft') as MaskBatch;
    let extra: MaskBatch | undefined;
    if (opts.catchDetector) {
      // Clean plate: the background median over the window, from the same shot, without the segmented people.
      const clo = Math.max(0, this.refined - R);
      const chi = Math.min(this.loaded, end + R);
      const frames = this.windowOf(clo, chi, 'rgb');
      const bin = this.windowOf(clo, chi, 'known') as MaskBatch;
      const path = this.pathOf(clo, chi);
      const shots = this.shotsOf(clo, chi);
      const track: TrackFrame[] = Array.from({ length: chi - clo }, (_, k) => this.rec(clo + k));
      const boxes = Array.from({ length: hi - lo }, (_, k) => trackedBoxes(track, lo + k - clo, W, H, opts.boxes));
      const samplers = new Map<number, BackgroundSampler>();
      extra = catchMissedPeople(
        this.windowOf(lo, hi, 'rgb'),
        boxes,
        (t, x, y, rgb) => {
          const tw = t + lo - clo;
          let sm = samplers.get(tw);
          if (!sm) samplers.set(tw, (sm = new BackgroundSampler(frames, bin, path, tw, R, 15, shots)));
          return sm.median(x, y, rgb);
        },
        opts.catch,
      );
      for (let k = 0; k < hi - lo; k++)
        fillUncoveredBoxes(extra.data.subarray(k * n, (k + 1) * n), this.rec(lo + k).known, boxes[k], W, H, opts.boxes);
    }
    const out = refineMasks(soft, opts.refine, extra);
    for (let t = this.refined; t < end; t++) {
      const m = out.data.slice((t - lo) * n, (t - lo + 1) * n);
      this.rec(t).mask = m;
      let c = 0;
      for (let i = 0; i < n; i++) if (m[i]) c++;
      this.masked += c / n;
      all?.set(m, t * n);
    }
    this.refined = end;
    this.sec.refine += (performance.now() - s) / 1000;
  }

  /** Inpaints frames `[start, end)`; appends each frame's spatially filled pixel count to `spatial`. */
  inpaint(start: number, end: number, spatial: number[]): Uint8Array {
    const lo = Math.max(0, start - this.R);
    const hi = Math.min(this.refined, end + this.R);
    const stats: InpaintStats = { temporal: 0, spatial: 0, spatialByFrame: spatial, seconds: this.sec };
    const out = inpaintWindow(
      this.windowOf(lo, hi, 'rgb'),
      this.windowOf(lo, hi, 'mask') as MaskBatch,
      start - lo,
      end - lo,
      { ...this.opts.inpaint, path: this.pathOf(lo, hi), shots: this.shotsOf(lo, hi) },
      stats,
    );
    this.filled.temporal += stats.temporal;
    this.filled.spatial += stats.spatial;
    return out;
  }

  /** The refined mask of frame `t` (255 = removed); frame `t` must be refined and not forgotten. */
  maskOf(t: number): Uint8Array {
    return this.rec(t).mask!;
  }

  /** Drops the frames before `t`. */
  forget(t: number): void {
    for (const k of [...this.recs.keys()]) if (k < t) this.recs.delete(k);
  }
}

/** Detections at chunk-relative frames `idx`. */
async function detectAt(det: { detect(f: FrameBatch): Promise<DetectionBox[][]> }, f: FrameBatch, idx: number[]) {
  const n = f.width * f.height * 3;
  const sub = new Uint8Array(idx.length * n);
  idx.forEach((k, j) => sub.set(f.data.subarray(k * n, (k + 1) * n), j * n));
  const found = await det.detect({ data: sub, frames: idx.length, width: f.width, height: f.height });
  return new Map(idx.map((k, j) => [k, found[j]]));
}
