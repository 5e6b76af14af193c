import { Rng } from '@ppma/core';
import { describe, expect, it } from 'vitest';
import {
  ACTIONS,
  DEFAULT_PROPORTIONS,
  DIVE,
  DIVE_VARIANTS,
  poseToCapsules,
  restPose,
  segmentDirection,
} from '../src/index.js';
import type { ActionParams, BodyCapsule, Pose } from '../src/index.js';

const OUTFIT = { shortSleeves: false, shorts: false };
const H = DEFAULT_PROPORTIONS.height;
const len = (c: BodyCapsule): number => Math.hypot(c.b[0] - c.a[0], c.b[1] - c.a[1], c.b[2] - c.a[2]);
const close = (a: number[], b: number[]): void => a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 9));

describe('skeleton', () => {
  it('segment directions follow the stated conventions', () => {
    close(segmentDirection({ flex: 0, abd: 0, horiz: 0 }, 1), [0, -1, 0]);
    close(segmentDirection({ flex: 90, abd: 0, horiz: 0 }, 1), [0, 0, 1]);
    close(segmentDirection({ flex: 0, abd: 90, horiz: 0 }, 1), [1, 0, 0]);
    close(segmentDirection({ flex: 0, abd: 90, horiz: 0 }, -1), [-1, 0, 0]);
    close(segmentDirection({ flex: 0, abd: 180, horiz: 0 }, -1), [0, 1, 0]);
    close(segmentDirection({ flex: 90, abd: 0, horiz: 30 }, 1), [-0.5, 0, Math.sqrt(3) / 2]);
    const r = new Rng(1);
    for (let i = 0; i < 50; i++)
      expect(
        Math.hypot(
          ...segmentDirection({ flex: r.uniform(-180, 180), abd: r.uniform(-180, 180), horiz: r.uniform(-90, 90) }, 1),
        ),
      ).toBeCloseTo(1, 12);
  });

  it('a standing figure is as tall as its proportions say and stands on the ground', () => {
    const caps = poseToCapsules(restPose(), DEFAULT_PROPORTIONS, OUTFIT);
    const bottom = Math.min(...caps.map((c) => Math.min(c.a[1] - c.ra, c.b[1] - c.rb)));
    const top = Math.max(...caps.map((c) => Math.max(c.a[1] + c.ra, c.b[1] + c.rb)));
    expect(bottom).toBeCloseTo(0, 12);
    expect(top / H).toBeGreaterThan(0.95);
    expect(top / H).toBeLessThan(1.04);
  });

  it('forward kinematics is rigid: any pose keeps every bone length; yaw 90 turns forward into +x', () => {
    const rest = poseToCapsules(restPose(), DEFAULT_PROPORTIONS, OUTFIT).map(len);
    const r = new Rng(2);
    const rnd = (): Pose['armL'] => ({
      upper: { flex: r.uniform(-90, 180), abd: r.uniform(0, 180), horiz: r.uniform(-40, 40) },
      lower: { flex: r.uniform(-90, 180), abd: r.uniform(0, 180), horiz: r.uniform(-40, 40) },
    });
    for (let i = 0; i < 20; i++) {
      const p = restPose();
      Object.assign(p, {
        yaw: r.uniform(-180, 180),
        pitch: r.uniform(-180, 180),
        spinePitch: r.uniform(-30, 90),
        spineRoll: r.uniform(-20, 20),
        headPitch: r.uniform(-30, 30),
        armL: rnd(),
        armR: rnd(),
        legL: rnd(),
        legR: rnd(),
      });
      const lens = poseToCapsules(p, DEFAULT_PROPORTIONS, OUTFIT).map(len);
      lens.forEach((l, j) => expect(l).toBeCloseTo(rest[j], 9));
    }
    const p = restPose();
    p.yaw = 90;
    p.armL = { upper: { flex: 90, abd: 0, horiz: 0 }, lower: { flex: 90, abd: 0, horiz: 0 } };
    const caps = poseToCapsules(p, DEFAULT_PROPORTIONS, OUTFIT);
    const upper = caps.find((c) => c.side === 1 && c.colour === 'shirt') as BodyCapsule;
    close([(upper.b[0] - upper.a[0]) / len(upper), (upper.b[2] - upper.a[2]) / len(upper)], [1, 0]);
  });
});

const params = (over: Partial<ActionParams> = {}): ActionParams => ({
  speed: 1,
  phase: 0.3,
  amplitude: 1,
  side: 1,
  yaw: 90,
  turn: 1,
  variant: '',
  ...over,
});
const duration = 2;
const times = Array.from({ length: 33 }, (_, i) => (i / 32) * duration);

function track(name: string, p: ActionParams): { pose: Pose; caps: BodyCapsule[] }[] {
  const a = name === 'dive' ? DIVE : ACTIONS.find((x) => x.name === name);
  if (!a) throw new Error(name);
  return times.map((t) => {
    const pose = a.pose({ t, duration }, p);
    return { pose, caps: poseToCapsules(pose, DEFAULT_PROPORTIONS, OUTFIT) };
  });
}
const pelvisY = (c: BodyCapsule[]): number => c[0].a[1];
const headY = (c: BodyCapsule[]): number => c[5].a[1];
const hands = (c: BodyCapsule[]): BodyCapsule[] =>
  c.filter((x) => x.colour === 'skin' && x.side !== 0 && x.ra === x.rb && x.a[0] === x.b[0]);
const feet = (c: BodyCapsule[]): BodyCapsule[] => c.filter((x) => x.colour === 'shoes');

describe('actions do what they are named for', () => {
  it('every action gives finite, grounded poses over the whole clip', () => {
    for (const a of ACTIONS) {
      for (const { pose, caps } of track(a.name, params())) {
        for (const c of caps) for (const v of [...c.a, ...c.b]) expect(Number.isFinite(v)).toBe(true);
        const bottom = Math.min(...caps.map((c) => Math.min(c.a[1] - c.ra, c.b[1] - c.rb)));
        expect(bottom).toBeCloseTo(pose.offset[1], 9);
      }
    }
    expect(ACTIONS.length).toBeGreaterThanOrEqual(12);
  });

  it('walk and run travel along the facing direction; run faster', () => {
    const dx = (name: string, yaw: number): number => {
      const tr = track(name, params({ yaw }));
      return tr[tr.length - 1].pose.offset[0] - tr[0].pose.offset[0];
    };
    expect(dx('walk', 90)).toBeGreaterThan(1.5);
    expect(dx('walk', -90)).toBeLessThan(-1.5);
    expect(dx('run', 90)).toBeGreaterThan(1.8 * dx('walk', 90));
  });

  it('jump leaves the ground; squat, sit down and bow go down; stand up goes up', () => {
    expect(Math.max(...track('jump', params()).map((s) => s.pose.offset[1]))).toBeGreaterThan(0.2);
    const stand = pelvisY(track('walk', params())[0].caps);
    expect(Math.min(...track('squat', params()).map((s) => pelvisY(s.caps)))).toBeLessThan(0.75 * stand);
    const sit = track('sit down', params({ phase: 0.5 }));
    expect(pelvisY(sit[0].caps) - pelvisY(sit[sit.length - 1].caps)).toBeGreaterThan(0.25);
    const up = track('stand up', params({ phase: 0.5 }));
    expect(pelvisY(up[up.length - 1].caps) - pelvisY(up[0].caps)).toBeGreaterThan(0.25);
    const bow = track('bow', params({ phase: 0.5 }));
    expect(headY(bow[0].caps) - Math.min(...bow.map((s) => headY(s.caps)))).toBeGreaterThan(0.3);
  });

  it('wave and jumping jacks raise hands above the head; kick raises a foot; punch reaches forward', () => {
    for (const name of ['wave', 'jumping jacks'])
      expect(track(name, params({ yaw: 0 })).some((s) => hands(s.caps).some((h) => h.a[1] > headY(s.caps)))).toBe(true);
    expect(Math.max(...track('kick', params()).flatMap((s) => feet(s.caps).map((f) => f.b[1])))).toBeGreaterThan(0.6);
    const reach = track('punch', params({ yaw: 90 })).map((s) =>
      Math.max(...hands(s.caps).map((h) => h.a[0] - s.caps[0].a[0])),
    );
    expect(Math.max(...reach) - Math.min(...reach)).toBeGreaterThan(0.3);
  });

  it('turn rotates the facing by more than half a turn in the chosen direction; clap brings the hands together', () => {
    for (const turn of [1, -1] as const) {
      const tr = track('turn', params({ turn, yaw: 0, phase: 0.5 }));
      expect(turn * (tr[tr.length - 1].pose.yaw - tr[0].pose.yaw)).toBeGreaterThan(200);
    }
    const gaps = track('clap', params({ yaw: 0 })).map((s) => {
      const [a, b] = hands(s.caps);
      return Math.hypot(a.a[0] - b.a[0], a.a[2] - b.a[2]);
    });
    expect(Math.min(...gaps)).toBeLessThan(0.12);
    expect(Math.max(...gaps)).toBeGreaterThan(0.35);
  });

  it('dives rotate forward or backward by at least half a somersault and end in the water', () => {
    for (const v of DIVE_VARIANTS) {
      const tr = track('dive', params({ variant: v, speed: 1.05 }));
      const last = tr[tr.length - 1].pose;
      expect(Math.sign(last.pitch)).toBe(v.startsWith('forward') ? 1 : -1);
      expect(Math.abs(last.pitch)).toBeGreaterThan(150);
      expect(Math.min(...tr[tr.length - 1].caps.map((c) => c.a[1]))).toBeLessThan(0);
    }
  });
});
