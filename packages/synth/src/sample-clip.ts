/**
 * Drawing a random {@link ClipSpec}: person appearance and proportions, action parameters, facing,
 * camera motion and post-processing, all from one seeded RNG stream.
 */
import type { Rng } from '@ppma/core';
import type { ActionParams } from './actions.js';
import type { Rgb, SceneDesc } from './background.js';
import type { CameraSpec, ClipSpec, PersonSpec, PostSpec, Style, View } from './clip-spec.js';
import { actionByName } from './render-clip.js';
import { DEFAULT_PROPORTIONS } from './skeleton.js';
import type { PartColour, Proportions } from './skeleton.js';

/** What to sample a clip for. */
export interface SampleClipOptions {
  action: string;
  /** Action variant (dives: e.g. 'forward-pike'). */
  variant?: string;
  style: Style;
  view?: View;
  scene: SceneDesc;
  width: number;
  height: number;
  frames: number;
  fps: number;
  /** Probability of a second person doing the same action (default 0). */
  secondPerson?: number;
  /** Fixes the side a profile action faces: +1 screen right, -1 screen left. */
  heading?: 1 | -1;
  /** Fixes the direction of turning motions. */
  turn?: 1 | -1;
}

/** Skin palette, light to dark (each clip jitters the drawn entry by up to 10 per channel). */
export const SKIN: readonly Rgb[] = [
  [255, 220, 190],
  [235, 190, 150],
  [200, 150, 110],
  [160, 110, 75],
  [110, 75, 50],
  [80, 55, 40],
];
/** Hair palette (each clip jitters the drawn entry by up to 10 per channel). */
export const HAIR: readonly Rgb[] = [
  [30, 25, 20],
  [70, 45, 25],
  [120, 80, 40],
  [210, 180, 110],
  [150, 150, 150],
  [140, 50, 30],
];
const PANTS: Rgb[] = [
  [40, 60, 110],
  [30, 30, 35],
  [180, 160, 120],
  [100, 100, 105],
  [60, 80, 50],
];

function hsv(h: number, s: number, v: number): Rgb {
  const f = (n: number): number => {
    const k = (n + h * 6) % 6;
    return 255 * (v - v * s * Math.max(0, Math.min(k, 4 - k, 1)));
  };
  return [f(5), f(3), f(1)];
}

function jitter(c: Rgb, r: Rng, a: number): Rgb {
  return [c[0] + r.uniform(-a, a), c[1] + r.uniform(-a, a), c[2] + r.uniform(-a, a)];
}

function sampleProportions(r: Rng): Proportions {
  const p: Proportions = { ...DEFAULT_PROPORTIONS };
  for (const k of Object.keys(p) as (keyof Proportions)[]) p[k] *= r.uniform(0.93, 1.07);
  p.height = DEFAULT_PROPORTIONS.height * r.uniform(0.86, 1.1);
  p.girth = r.uniform(0.85, 1.3);
  return p;
}

function sampleColours(r: Rng): Record<PartColour, Rgb> {
  return {
    skin: jitter(r.choice(SKIN), r, 10),
    hair: jitter(r.choice(HAIR), r, 10),
    shirt: hsv(r.float(), r.uniform(0.35, 0.9), r.uniform(0.45, 0.95)),
    pants: r.bernoulli(0.7) ? jitter(r.choice(PANTS), r, 12) : hsv(r.float(), r.uniform(0.3, 0.8), r.uniform(0.3, 0.8)),
    shoes: r.bernoulli(0.5) ? [35, 30, 30] : jitter([225, 225, 225], r, 15),
  };
}

function sampleParams(r: Rng, action: string, variant: string, o: SampleClipOptions): ActionParams {
  const facing = actionByName(action).facing;
  const drawn = r.bernoulli(0.5) ? 1 : -1;
  const sign = o.heading ?? drawn;
  const yaw =
    facing === 'profile' ? sign * r.uniform(55, 100) : facing === 'frontal' ? r.uniform(-35, 35) : r.uniform(-100, 100);
  return {
    speed: r.uniform(0.8, 1.25),
    phase: r.float(),
    amplitude: r.uniform(0.85, 1.15),
    side: r.bernoulli(0.5) ? 1 : -1,
    yaw,
    turn: o.turn ?? (r.bernoulli(0.5) ? 1 : -1),
    variant,
  };
}

function samplePerson(r: Rng, o: SampleClipOptions, x: number, z: number): PersonSpec {
  const { action } = o;
  return {
    action,
    params: sampleParams(r, action, o.variant ?? '', o),
    proportions: sampleProportions(r),
    outfit: { shortSleeves: r.bernoulli(0.4), shorts: r.bernoulli(0.25) },
    colours: sampleColours(r),
    x,
    z,
  };
}

const TRAVELS = new Set(['walk', 'run']);

function sampleCamera(r: Rng, o: SampleClipOptions, view: View): CameraSpec {
  const shake = o.style === 'real' ? r.uniform(0, 0.02) * o.height : 0;
  if (o.action === 'dive')
    return {
      u0: r.uniform(0.1, 0.4),
      v0: r.uniform(1.35, 1.55),
      viewHeight: 3.9,
      zoom: r.uniform(0.95, 1.05),
      zoomRate: r.uniform(-0.03, 0.03),
      panU: r.uniform(-0.1, 0.1),
      panV: 0,
      follow: r.uniform(0, 0.3),
      shake,
    };
  if (view === 'aerial')
    return {
      u0: r.uniform(-0.3, 0.3),
      v0: r.uniform(0.2, 0.5),
      viewHeight: 3.2,
      zoom: r.uniform(0.9, 1.1),
      zoomRate: r.uniform(-0.04, 0.04),
      panU: r.uniform(-0.2, 0.2),
      panV: r.uniform(-0.2, 0.2),
      follow: TRAVELS.has(o.action) ? r.uniform(0.3, 0.8) : 0,
      shake,
    };
  const follow = o.action === 'run' ? r.uniform(0.75, 1) : o.action === 'walk' ? r.uniform(0.5, 1) : 0;
  return {
    u0: r.uniform(-0.2, 0.2),
    v0: r.uniform(0.85, 1.0),
    viewHeight: 2.5,
    zoom: r.uniform(0.85, 1.15),
    zoomRate: r.uniform(-0.08, 0.08),
    panU: r.uniform(-0.15, 0.15),
    panV: 0,
    follow,
    shake,
  };
}

function samplePost(r: Rng, style: Style): PostSpec {
  const seed = r.int(0, 2 ** 31);
  if (style === 'synthetic')
    return { seed, noise: 0, blur: false, gain: 1, tint: [1, 1, 1], lightAngle: 0, lightStrength: 0, vignette: 0 };
  return {
    seed,
    noise: r.uniform(2, 6),
    blur: true,
    gain: r.uniform(0.8, 1.12),
    tint: [r.uniform(0.94, 1.06), r.uniform(0.94, 1.06), r.uniform(0.94, 1.06)],
    lightAngle: r.uniform(0, 2 * Math.PI),
    lightStrength: r.uniform(0, 0.35),
    vignette: r.uniform(0, 0.35),
  };
}

/** Draws a random clip of an action in a given scene. */
export function sampleClip(r: Rng, o: SampleClipOptions): ClipSpec {
  const view = o.view ?? 'side';
  const elevation = view === 'aerial' ? r.uniform(50, 65) : 0;
  const people: PersonSpec[] = [];
  const x0 = o.action === 'dive' ? 0 : r.uniform(-0.35, 0.35);
  people.push(samplePerson(r.split('person', 0), o, x0, 0));
  if (o.action !== 'dive' && r.bernoulli(o.secondPerson ?? 0)) {
    const side = x0 > 0 ? -1 : 1;
    people.push(samplePerson(r.split('person', 1), o, x0 + side * r.uniform(0.8, 1.1), -0.7));
  }
  return {
    width: o.width,
    height: o.height,
    frames: o.frames,
    fps: o.fps,
    style: o.style,
    view,
    elevation,
    scene: o.scene,
    people,
    camera: sampleCamera(r.split('camera'), o, view),
    post: samplePost(r.split('post'), o.style),
  };
}
