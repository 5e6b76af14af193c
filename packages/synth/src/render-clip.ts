/**
 * Rendering a clip: for each frame, pose every person, paint them over the procedural scene, then
 * (in the "real" style) light, blur and add sensor noise. The clean plate is the same pipeline
 * with nobody in it, and the mask marks every pixel where a person's blurred coverage reaches
 * {@link MASK_THRESHOLD}; below it the output pixel is the clean pixel, so "mask = 0" implies
 * "frame = clean plate" exactly.
 */
import { ACTIONS } from './actions.js';
import type { ActionDef } from './actions.js';
import type { Rgb } from './background.js';
import { sceneColour } from './background.js';
import type { ClipSpec, PersonSpec } from './clip-spec.js';
import { DIVE } from './dive.js';
import { createLayer, paintCapsule, projectCapsules } from './figure-raster.js';
import type { Capsule2D, Projector } from './figure-raster.js';
import { grain, hash4 } from './noise.js';
import { poseToCapsules } from './skeleton.js';
import type { BodyCapsule, Pose } from './skeleton.js';

/** Person coverage from which a pixel counts as "person" (and shows the person). */
export const MASK_THRESHOLD = 1 / 32;

/** A rendered clip: uint8 frames `[T, H, W, 3]`, masks `[T, H, W]` (255 = person), clean plate or null. */
export interface RenderedClip {
  width: number;
  height: number;
  frames: number;
  fps: number;
  video: Uint8Array;
  mask: Uint8Array;
  clean: Uint8Array | null;
}

const RAD = Math.PI / 180;

/** Looks up an action by name ('dive' included). */
export function actionByName(name: string): ActionDef {
  if (name === DIVE.name) return DIVE;
  const a = ACTIONS.find((x) => x.name === name);
  if (!a) throw new RangeError(`unknown action '${name}'`);
  return a;
}

/** The pose of a person at time t (s). */
export function personPose(p: PersonSpec, t: number, duration: number): Pose {
  const pose = actionByName(p.action).pose({ t, duration }, p.params);
  pose.offset = [pose.offset[0] + p.x, pose.offset[1], pose.offset[2] + p.z];
  return pose;
}

function colourOf(p: PersonSpec, yaw: number): (c: BodyCapsule) => Rgb {
  return (c) => {
    const base = p.colours[c.colour];
    // the far-side limbs are in shadow: outward axis of side s is (s cos yaw, 0, -s sin yaw)
    const away = -c.side * Math.sin(yaw * RAD);
    const k = away < 0 ? 1 + 0.3 * away : 1;
    return [base[0] * k, base[1] * k, base[2] * k];
  };
}

/** The camera of frame `f`: a projector from world to pixels and the pixel size in metres. */
export function frameCamera(spec: ClipSpec, f: number, followX: number): Projector & { u: number; v: number } {
  const t = f / spec.fps;
  const cam = spec.camera;
  const zoom = cam.zoom * (1 + cam.zoomRate * t);
  const scale = (zoom * spec.height) / cam.viewHeight;
  const sx = cam.shake * (hash4(spec.post.seed, f, 1) + hash4(spec.post.seed, f, 2) - 1);
  const sy = cam.shake * (hash4(spec.post.seed, f, 3) + hash4(spec.post.seed, f, 4) - 1);
  const u = cam.u0 + cam.panU * t + cam.follow * followX;
  const v = cam.v0 + cam.panV * t;
  const ce = Math.cos(spec.elevation * RAD);
  const se = Math.sin(spec.elevation * RAD);
  const proj = (x: number, y: number, z: number): { px: number; py: number; depth: number } => {
    const pu = x;
    const pv = y * ce - z * se;
    return {
      px: spec.width / 2 + sx + (pu - u) * scale,
      py: spec.height / 2 + sy - (pv - v) * scale,
      depth: z * ce + y * se,
    };
  };
  return Object.assign(proj, { scale, u: u - sx / scale, v: v + sy / scale });
}

/** The projected capsules of every person in frame `f`, back to front per person. */
export function frameCapsules(spec: ClipSpec, f: number): Capsule2D[][] {
  const duration = spec.frames / spec.fps;
  const t = f / spec.fps;
  const poses = spec.people.map((p) => personPose(p, t, duration));
  const followX = poses.length > 0 ? poses[0].offset[0] - spec.people[0].x : 0;
  const cam = frameCamera(spec, f, followX);
  const order = spec.people.map((p, i) => i).sort((a, b) => spec.people[a].z - spec.people[b].z);
  return order.map((i) =>
    projectCapsules(
      poseToCapsules(poses[i], spec.people[i].proportions, spec.people[i].outfit),
      cam,
      colourOf(spec.people[i], poses[i].yaw),
    ),
  );
}

function blur3(src: Float32Array, dst: Float32Array, w: number, h: number, ch: number): void {
  const tmp = new Float32Array(src.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const xl = x > 0 ? x - 1 : 0;
      const xr = x < w - 1 ? x + 1 : w - 1;
      for (let c = 0; c < ch; c++)
        tmp[(y * w + x) * ch + c] =
          0.25 * src[(y * w + xl) * ch + c] + 0.5 * src[(y * w + x) * ch + c] + 0.25 * src[(y * w + xr) * ch + c];
    }
  }
  for (let y = 0; y < h; y++) {
    const yu = y > 0 ? y - 1 : 0;
    const yd = y < h - 1 ? y + 1 : h - 1;
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < ch; c++)
        dst[(y * w + x) * ch + c] =
          0.25 * tmp[(yu * w + x) * ch + c] + 0.5 * tmp[(y * w + x) * ch + c] + 0.25 * tmp[(yd * w + x) * ch + c];
    }
  }
}

const q8 = (x: number): number => (x <= 0 ? 0 : x >= 255 ? 255 : Math.round(x));

/**
 * Renders a clip. `withClean` (default: true for the "real" style) also renders the clean plate.
 */
export function renderClip(spec: ClipSpec, opts: { withClean?: boolean } = {}): RenderedClip {
  const { width: W, height: H, frames: T } = spec;
  const real = spec.style === 'real';
  const withClean = opts.withClean ?? real;
  const n = W * H;
  const video = new Uint8Array(T * n * 3);
  const mask = new Uint8Array(T * n);
  const clean = withClean ? new Uint8Array(T * n * 3) : null;
  const bg = new Float32Array(n * 3);
  const comp = new Float32Array(n * 3);
  const light = new Float32Array(n * 3);
  const post = spec.post;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const gx = (x + 0.5) / W - 0.5;
      const gy = (y + 0.5) / H - 0.5;
      const g = real
        ? post.gain *
          (1 + post.lightStrength * (gx * Math.cos(post.lightAngle) + gy * Math.sin(post.lightAngle))) *
          (1 - post.vignette * (gx * gx + gy * gy) * 2)
        : 1;
      for (let c = 0; c < 3; c++) light[(y * W + x) * 3 + c] = real ? g * post.tint[c] : 1;
    }
  }
  const blurredComp = new Float32Array(n * 3);
  const blurredBg = new Float32Array(n * 3);
  const blurredAlpha = new Float32Array(n);
  const aerial = spec.view === 'aerial';
  const se = Math.max(0.2, Math.sin(spec.elevation * RAD));
  for (let f = 0; f < T; f++) {
    const people = frameCapsules(spec, f);
    const duration = T / spec.fps;
    const followX =
      spec.people.length > 0 ? personPose(spec.people[0], f / spec.fps, duration).offset[0] - spec.people[0].x : 0;
    const cam = frameCamera(spec, f, followX);
    const pixel = 1 / cam.scale;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const u = cam.u + (x + 0.5 - W / 2) * pixel;
        const v = cam.v - (y + 0.5 - H / 2) * pixel;
        sceneColour(spec.scene, u, aerial ? v / se : v, pixel, bg, (y * W + x) * 3);
      }
    }
    const layer = createLayer(W, H);
    for (const caps of people) for (const c of caps) paintCapsule(layer, c, W, H, real);
    for (let i = 0; i < n; i++) {
      const a = layer.alpha[i];
      for (let c = 0; c < 3; c++) {
        const j = 3 * i + c;
        comp[j] = (bg[j] * (1 - a) + layer.rgb[j]) * light[j];
        bg[j] *= light[j];
      }
    }
    if (real && post.blur) {
      blur3(comp, blurredComp, W, H, 3);
      blur3(bg, blurredBg, W, H, 3);
      blur3(layer.alpha, blurredAlpha, W, H, 1);
    } else {
      blurredComp.set(comp);
      blurredBg.set(bg);
      blurredAlpha.set(layer.alpha);
    }
    const o = f * n;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const i = y * W + x;
        const isPerson = blurredAlpha[i] >= MASK_THRESHOLD;
        mask[o + i] = isPerson ? 255 : 0;
        const src = isPerson ? blurredComp : blurredBg;
        const g = real ? post.noise * grain(post.seed, f, x, y) : 0;
        for (let c = 0; c < 3; c++) {
          video[3 * (o + i) + c] = q8(src[3 * i + c] + g);
          if (clean) clean[3 * (o + i) + c] = q8(blurredBg[3 * i + c] + g);
        }
      }
    }
  }
  return { width: W, height: H, frames: T, fps: spec.fps, video, mask, clean };
}
