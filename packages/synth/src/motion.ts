/**
 * Small helpers for writing parametric motions: smooth steps, bumps and keyframe curves.
 */
import type { LimbPose, SegmentAngles } from './skeleton.js';

/** Hermite smooth step of x from edge a to edge b. */
export function smoothstep(a: number, b: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - a) / (b - a)));
  return t * t * (3 - 2 * t);
}

/** Fractional part, always in [0, 1). */
export function frac(x: number): number {
  return x - Math.floor(x);
}

/** Piecewise smooth interpolation through keyframes `[time, value]` (times increasing, in [0, 1]). */
export function keyframes(t: number, keys: readonly (readonly [number, number])[]): number {
  if (t <= keys[0][0]) return keys[0][1];
  for (let i = 1; i < keys.length; i++) {
    const [t1, v1] = keys[i];
    const [t0, v0] = keys[i - 1];
    if (t <= t1) return v0 + (v1 - v0) * smoothstep(t0, t1, t);
  }
  return keys[keys.length - 1][1];
}

/** Segment angles. */
export function seg(flex: number, abd = 0, horiz = 0): SegmentAngles {
  return { flex, abd, horiz };
}

/** An arm: shoulder angles, then the elbow bend (forward) on top of the upper arm's flexion. */
export function arm(flex: number, elbow: number, abd = 0, horiz = 0, lowerAbd = abd): LimbPose {
  return { upper: seg(flex, abd, horiz), lower: seg(flex + elbow, lowerAbd, horiz) };
}

/** A leg: hip angles, then the knee bend (backward). */
export function leg(flex: number, knee: number, abd = 0): LimbPose {
  return { upper: seg(flex, abd), lower: seg(flex - knee, abd) };
}

/**
 * Progress through a one-shot movement of `length` seconds that starts at a time chosen by `phase`
 * so that it fits inside a clip of `duration` seconds (0 before it starts, 1 after it ends).
 */
export function oneShot(t: number, duration: number, length: number, phase: number): number {
  const start = Math.max(0, duration - length) * phase;
  return Math.min(1, Math.max(0, (t - start) / Math.min(length, duration)));
}
