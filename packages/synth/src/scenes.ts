/**
 * The scene catalogue: procedural places whose context objects give an action away when the
 * scene-object bias is high (a ball and a goal for kicking, a chair and a table for sitting down,
 * ropes for punching, ...). Each kind is a function of a seeded RNG, so scenes of one kind vary
 * in colours, layout and texture but keep their identity.
 */
import type { Rng } from '@ppma/core';
import type { Rgb, SceneDesc, ShapeDesc } from './background.js';
import { BOARD_HEIGHT, BOARD_TIP_X } from './dive.js';

/** A horizon so high that the whole frame is ground (top-down views); finite so specs stay JSON. */
export const ALL_GROUND = 1e9;

type Make = (r: Rng, base: SceneDesc) => SceneDesc;

function jit(c: Rgb, r: Rng, amt = 14): Rgb {
  const k = r.uniform(0.88, 1.12);
  return [c[0] * k + r.uniform(-amt, amt), c[1] * k + r.uniform(-amt, amt), c[2] * k + r.uniform(-amt, amt)];
}

const WHITE: Rgb = [240, 240, 235];
const SKY_TOP: Rgb = [90, 150, 225];
const SKY_LOW: Rgb = [175, 205, 235];

function tree(x: number, y: number, h: number, trunk: Rgb, leaves: Rgb): ShapeDesc[] {
  return [
    { kind: 'seg', x0: x, y0: y, x1: x, y1: y + h * 0.6, r: h * 0.05, colour: trunk },
    { kind: 'circle', x, y: y + h * 0.75, r: h * 0.3, colour: leaves },
  ];
}

const SIDE: Record<string, Make> = {
  street: (r, b) => ({
    ...b,
    horizon: 0.55,
    top: jit([150, 95, 75], r),
    bottom: jit([135, 85, 70], r),
    upper: 'bricks',
    ground: jit([105, 105, 112], r),
    ground2: WHITE,
    groundPattern: 'gradient',
    objects: [
      ...[-2.2, -0.9, 0.4, 1.7].map((x): ShapeDesc => ({
        kind: 'rect',
        x0: x + r.uniform(-0.1, 0.1),
        y0: 1.2,
        x1: x + 0.6,
        y1: 2.0,
        colour: jit([70, 90, 120], r),
      })),
      { kind: 'rect', x0: -5, y0: -0.12, x1: 5, y1: -0.07, colour: [230, 220, 90] },
    ],
  }),
  track: (r, b) => ({
    ...b,
    horizon: 0.6,
    top: SKY_TOP,
    bottom: jit([120, 120, 130], r),
    upper: 'stands',
    ground: jit([185, 85, 55], r),
    ground2: WHITE,
    groundPattern: 'lanes',
    objects: [{ kind: 'rect', x0: -6, y0: 1.45, x1: 6, y1: 9, colour: jit(SKY_LOW, r, 8) }],
  }),
  court: (r, b) => {
    const x = r.uniform(-1.2, 1.2);
    return {
      ...b,
      horizon: 0.5,
      top: jit([200, 185, 160], r),
      bottom: jit([185, 170, 150], r),
      upper: 'panels',
      ground: jit([205, 140, 75], r),
      ground2: jit([170, 105, 55], r),
      groundPattern: 'planks',
      objects: [
        { kind: 'rect', x0: x - 0.45, y0: 1.55, x1: x + 0.45, y1: 2.2, colour: WHITE },
        { kind: 'seg', x0: x - 0.22, y0: 1.65, x1: x + 0.22, y1: 1.65, r: 0.03, colour: [230, 90, 20] },
        { kind: 'circle', x: x + r.uniform(-1.5, 1.5), y: 0.12, r: 0.12, colour: [225, 110, 30] },
      ],
    };
  },
  beach: (r, b) => ({
    ...b,
    horizon: 0.75,
    top: SKY_TOP,
    bottom: jit([40, 115, 175], r),
    upper: 'sea',
    ground: jit([225, 205, 155], r),
    ground2: jit([200, 180, 130], r),
    groundPattern: 'noise',
    objects: [
      { kind: 'rect', x0: -9, y0: 1.1, x1: 9, y1: 9, colour: jit(SKY_LOW, r, 8) },
      { kind: 'circle', x: r.uniform(-1.2, 1.2), y: 1.9, r: 0.18, colour: [255, 235, 150] },
      { kind: 'tri', x0: -1.8, y0: 0.1, x1: -1.2, y1: 0.1, x2: -1.5, y2: 1.1, colour: jit([220, 60, 60], r) },
    ],
  }),
  stage: (r, b) => ({
    ...b,
    horizon: 0.4,
    top: jit([120, 15, 25], r),
    bottom: jit([160, 25, 35], r),
    upper: 'curtain',
    ground: jit([95, 60, 40], r),
    ground2: jit([70, 45, 30], r),
    groundPattern: 'planks',
    objects: [{ kind: 'circle', x: r.uniform(-0.5, 0.5), y: -0.1, r: 0.9, colour: jit([150, 120, 80], r, 8) }],
  }),
  gym: (r, b) => ({
    ...b,
    horizon: 0.45,
    top: jit([195, 195, 200], r),
    bottom: jit([175, 175, 180], r),
    upper: 'panels',
    ground: jit([55, 55, 60], r),
    ground2: jit([80, 80, 85], r),
    groundPattern: 'noise',
    objects: [
      { kind: 'rect', x0: -2.4, y0: 0.45, x1: -2.3, y1: 1.9, colour: [60, 60, 65] },
      { kind: 'rect', x0: -1.3, y0: 0.45, x1: -1.2, y1: 1.9, colour: [60, 60, 65] },
      { kind: 'seg', x0: -2.7, y0: 1.4, x1: -0.9, y1: 1.4, r: 0.025, colour: [150, 150, 155] },
      { kind: 'circle', x: -2.55, y: 1.4, r: 0.22, colour: [30, 30, 30] },
      { kind: 'circle', x: -1.05, y: 1.4, r: 0.22, colour: [30, 30, 30] },
      { kind: 'rect', x0: 0.8, y0: 0.7, x1: 2.4, y1: 1.9, colour: jit([170, 200, 215], r) },
      { kind: 'circle', x: r.uniform(0.6, 1.4), y: 0.1, r: 0.1, colour: [40, 40, 40] },
    ],
  }),
  soccer: (r, b) => {
    const gx = r.uniform(-1.8, 0.2);
    return {
      ...b,
      horizon: 0.8,
      top: SKY_TOP,
      bottom: SKY_LOW,
      upper: 'treeline',
      ground: jit([60, 140, 55], r),
      ground2: jit([80, 165, 70], r),
      groundPattern: 'mow',
      objects: [
        { kind: 'rect', x0: gx, y0: 0.3, x1: gx + 1.8, y1: 1.3, colour: [205, 215, 205] },
        { kind: 'seg', x0: gx, y0: 0.3, x1: gx, y1: 1.3, r: 0.04, colour: WHITE },
        { kind: 'seg', x0: gx + 1.8, y0: 0.3, x1: gx + 1.8, y1: 1.3, r: 0.04, colour: WHITE },
        { kind: 'seg', x0: gx, y0: 1.3, x1: gx + 1.8, y1: 1.3, r: 0.04, colour: WHITE },
        { kind: 'circle', x: r.uniform(-0.9, 0.9), y: 0.0, r: 0.12, colour: WHITE },
      ],
    };
  },
  ring: (r, b) => ({
    ...b,
    horizon: 0.5,
    top: jit([25, 25, 35], r, 6),
    bottom: jit([45, 40, 55], r, 6),
    upper: 'crowd',
    ground: jit([40, 75, 160], r),
    ground2: jit([30, 60, 130], r),
    groundPattern: 'noise',
    objects: [
      { kind: 'seg', x0: -9, y0: 0.95, x1: 9, y1: 0.95, r: 0.025, colour: [220, 30, 30] },
      { kind: 'seg', x0: -9, y0: 1.35, x1: 9, y1: 1.35, r: 0.025, colour: WHITE },
      { kind: 'seg', x0: -9, y0: 1.75, x1: 9, y1: 1.75, r: 0.025, colour: [30, 60, 220] },
      { kind: 'rect', x0: 1.5, y0: 0.5, x1: 1.62, y1: 1.85, colour: [200, 200, 200] },
      { kind: 'seg', x0: -1.7, y0: 1.1, x1: -1.7, y1: 1.7, r: 0.17, colour: jit([150, 30, 30], r) },
    ],
  }),
  dojo: (r, b) => ({
    ...b,
    horizon: 0.5,
    top: jit([165, 125, 80], r),
    bottom: jit([150, 110, 70], r),
    upper: 'panels',
    ground: jit([195, 195, 125], r),
    ground2: jit([120, 110, 60], r),
    groundPattern: 'grid',
    objects: [-1.9, -0.5, 0.9].map((x): ShapeDesc => ({
      kind: 'rect',
      x0: x,
      y0: 0.75,
      x1: x + 1.0,
      y1: 1.9,
      colour: jit([235, 230, 210], r, 6),
    })),
  }),
  dance: (r, b) => ({
    ...b,
    horizon: 0.45,
    top: jit([60, 25, 95], r),
    bottom: jit([90, 40, 120], r),
    upper: 'dots',
    ground: jit([30, 30, 30], r, 6),
    ground2: jit([225, 225, 225], r, 6),
    groundPattern: 'checker',
    objects: [{ kind: 'circle', x: r.uniform(-1, 1), y: 2.1, r: 0.16, colour: [220, 220, 235] }],
  }),
  livingroom: (r, b) => {
    const tx = r.uniform(-2.0, -0.6);
    return {
      ...b,
      horizon: 0.5,
      top: jit([225, 205, 170], r),
      bottom: jit([210, 190, 160], r),
      upper: 'stripes',
      ground: jit([140, 60, 55], r),
      ground2: jit([120, 50, 45], r),
      groundPattern: 'noise',
      objects: [
        { kind: 'rect', x0: 0.7, y0: 1.0, x1: 1.7, y1: 1.8, colour: jit([165, 205, 235], r) },
        { kind: 'rect', x0: tx, y0: 0.62, x1: tx + 1.1, y1: 0.7, colour: jit([110, 70, 40], r) },
        { kind: 'rect', x0: tx + 0.05, y0: 0.2, x1: tx + 0.12, y1: 0.65, colour: [90, 55, 30] },
        { kind: 'rect', x0: tx + 0.98, y0: 0.2, x1: tx + 1.05, y1: 0.65, colour: [90, 55, 30] },
        { kind: 'rect', x0: -0.3, y0: 0.4, x1: 0.3, y1: 0.48, colour: jit([60, 90, 140], r) },
        { kind: 'rect', x0: 0.22, y0: 0.45, x1: 0.3, y1: 1.0, colour: jit([60, 90, 140], r) },
        { kind: 'rect', x0: -0.28, y0: 0.05, x1: -0.22, y1: 0.42, colour: [50, 50, 50] },
      ],
    };
  },
  park: (r, b) => ({
    ...b,
    horizon: 0.8,
    top: SKY_TOP,
    bottom: SKY_LOW,
    upper: 'none',
    ground: jit([95, 150, 70], r),
    ground2: jit([120, 170, 80], r),
    groundPattern: 'noise',
    objects: [
      ...tree(r.uniform(-2.2, -1.2), 0.7, 2.0, [100, 70, 40], jit([40, 110, 40], r)),
      ...tree(r.uniform(1.2, 2.2), 0.75, 1.7, [100, 70, 40], jit([50, 120, 45], r)),
      { kind: 'rect', x0: -0.9, y0: 0.45, x1: 0.5, y1: 0.55, colour: jit([130, 90, 50], r) },
      { kind: 'rect', x0: -0.9, y0: 0.55, x1: 0.5, y1: 0.85, colour: jit([115, 80, 45], r) },
    ],
  }),
  snow: (r, b) => ({
    ...b,
    horizon: 0.9,
    top: jit([200, 210, 228], r, 6),
    bottom: jit([225, 230, 240], r, 6),
    upper: 'none',
    ground: jit([238, 240, 248], r, 5),
    ground2: [215, 220, 235],
    groundPattern: 'noise',
    objects: [-2.0, -1.4, 1.3, 2.1].map((x): ShapeDesc => ({
      kind: 'tri',
      x0: x - 0.35,
      y0: 0.8,
      x1: x + 0.35,
      y1: 0.8,
      x2: x,
      y2: 0.8 + r.uniform(1.0, 1.6),
      colour: jit([25, 75, 45], r, 8),
    })),
  }),
  field: (r, b) => ({
    ...b,
    horizon: 0.7,
    top: SKY_TOP,
    bottom: jit([70, 130, 60], r),
    upper: 'none',
    ground: jit([175, 125, 80], r),
    ground2: jit([150, 100, 60], r),
    groundPattern: 'noise',
    objects: [
      { kind: 'rect', x0: -9, y0: 0.7, x1: 9, y1: 1.25, colour: jit([75, 135, 60], r) },
      { kind: 'rect', x0: -9, y0: 1.25, x1: 9, y1: 1.35, colour: jit([40, 80, 40], r) },
      { kind: 'rect', x0: r.uniform(-1, 1) - 0.15, y0: -0.05, x1: r.uniform(-1, 1) + 0.15, y1: 0.02, colour: WHITE },
    ],
  }),
  pool: (r, b) => ({
    ...b,
    horizon: 0.0,
    top: jit([170, 210, 230], r, 8),
    bottom: jit([150, 195, 220], r, 8),
    upper: 'tiles',
    ground: jit([35, 120, 200], r, 8),
    ground2: jit([70, 160, 225], r, 8),
    groundPattern: 'water',
    objects: [
      { kind: 'rect', x0: -4, y0: BOARD_HEIGHT - 0.1, x1: BOARD_TIP_X, y1: BOARD_HEIGHT, colour: [70, 75, 95] },
      { kind: 'rect', x0: -2.0, y0: 0, x1: -1.8, y1: BOARD_HEIGHT - 0.1, colour: [90, 90, 100] },
      { kind: 'rect', x0: 2.6, y0: 2.5, x1: 3.6, y1: 3.2, colour: jit([40, 60, 150], r, 6) },
    ],
  }),
};

const AERIAL: Record<string, Make> = {
  lawn: (r, b) => ({
    ...b,
    ground: jit([85, 145, 65], r),
    ground2: jit([190, 175, 140], r),
    groundPattern: 'noise',
    objects: [
      {
        kind: 'seg',
        x0: -9,
        y0: r.uniform(-2, 2),
        x1: 9,
        y1: r.uniform(-2, 2),
        r: 0.45,
        colour: jit([190, 175, 140], r),
      },
      ...[0, 1, 2].map((): ShapeDesc => ({
        kind: 'circle',
        x: r.uniform(-5, 5),
        y: r.uniform(-5, 5),
        r: r.uniform(0.6, 1.1),
        colour: jit([40, 100, 40], r),
      })),
    ],
  }),
  parking: (r, b) => ({
    ...b,
    ground: jit([85, 85, 90], r),
    ground2: WHITE,
    groundPattern: 'grid',
    objects: [0, 1, 2, 3].map((): ShapeDesc => {
      const x = r.uniform(-5, 5);
      const y = r.uniform(-5, 5);
      return {
        kind: 'rect',
        x0: x,
        y0: y,
        x1: x + 1.8,
        y1: y + 0.9,
        colour: jit(
          r.choice<Rgb>([
            [180, 30, 30],
            [30, 60, 160],
            [220, 220, 220],
            [30, 30, 30],
          ]),
          r,
        ),
      };
    }),
  }),
  plaza: (r, b) => ({
    ...b,
    ground: jit([185, 175, 160], r),
    ground2: jit([150, 140, 125], r),
    groundPattern: 'tiles',
    objects: [{ kind: 'circle', x: r.uniform(-4, 4), y: r.uniform(-4, 4), r: 1.2, colour: jit([60, 130, 190], r) }],
  }),
  dirt: (r, b) => ({
    ...b,
    ground: jit([150, 115, 80], r),
    ground2: jit([120, 90, 60], r),
    groundPattern: 'noise',
    objects: [0, 1, 2, 3, 4].map((): ShapeDesc => ({
      kind: 'circle',
      x: r.uniform(-5, 5),
      y: r.uniform(-5, 5),
      r: r.uniform(0.1, 0.3),
      colour: jit([110, 105, 100], r),
    })),
  }),
};

/** The kinds of side-view scenes ('pool' is the fixed diving scene). */
export const SIDE_SCENES: readonly string[] = Object.freeze(Object.keys(SIDE).filter((k) => k !== 'pool'));
/** The kinds of top-down scenes. */
export const AERIAL_SCENES: readonly string[] = Object.freeze(Object.keys(AERIAL));

function baseScene(name: string, r: Rng, texture: number): SceneDesc {
  return {
    name,
    seed: r.int(0, 2 ** 31),
    horizon: ALL_GROUND,
    top: SKY_TOP,
    bottom: SKY_LOW,
    upper: 'none',
    ground: [128, 128, 128],
    ground2: [128, 128, 128],
    groundPattern: 'noise',
    texture,
    objects: [],
  };
}

/** Builds a scene of a named kind ('real' style: textured). */
export function makeScene(kind: string, r: Rng): SceneDesc {
  const make = SIDE[kind] ?? AERIAL[kind];
  if (!make) throw new RangeError(`unknown scene kind '${kind}'`);
  return make(r, baseScene(kind, r, 0.35));
}

/**
 * A "synthetic"-style background (SynAPT-like): a flat two-colour gradient with a few random flat
 * shapes, independent of the action.
 */
export function randomFlatScene(r: Rng): SceneDesc {
  const col = (): Rgb => [r.uniform(20, 235), r.uniform(20, 235), r.uniform(20, 235)];
  const s = baseScene('random', r, 0);
  s.horizon = r.bernoulli(0.5) ? r.uniform(0.2, 0.9) : ALL_GROUND;
  s.top = col();
  s.bottom = col();
  s.ground = col();
  s.ground2 = col();
  s.groundPattern = r.bernoulli(0.5) ? 'gradient' : 'checker';
  const n = r.int(1, 5);
  for (let i = 0; i < n; i++) {
    const x = r.uniform(-2.5, 2.5);
    const y = r.uniform(-0.3, 2.2);
    s.objects.push(
      r.bernoulli(0.5)
        ? { kind: 'circle', x, y, r: r.uniform(0.1, 0.5), colour: col() }
        : { kind: 'rect', x0: x, y0: y, x1: x + r.uniform(0.2, 1.2), y1: y + r.uniform(0.2, 1.2), colour: col() },
    );
  }
  return s;
}
