/**
 * The parametric actions: each maps time and random parameters to a {@link Pose}.
 * docs/ARCHITECTURE.md §9 "Virtual humans": walk, run, jump, wave, clap, squat, kick, punch, bow, turn,
 * sit down, stand up, plus jumping jacks and throw; the dives of the Diving48-like task live in
 * `dive.ts`.
 */
import { arm, frac, keyframes, leg, oneShot, smoothstep } from './motion.js';
import { restPose } from './skeleton.js';
import type { Pose } from './skeleton.js';

/** Random parameters of one performance of an action. */
export interface ActionParams {
  /** Tempo multiplier (about 0.75..1.3). */
  speed: number;
  /** Phase of periodic motion / start of one-shot motion, in [0, 1). */
  phase: number;
  /** Amplitude multiplier of the joint angles (about 0.8..1.2). */
  amplitude: number;
  /** Leading side: +1 = the person's left arm/leg, -1 = right. */
  side: 1 | -1;
  /** Facing at the start (deg, 0 = towards the camera, 90 = screen right). */
  yaw: number;
  /** Direction of turning motions (+1 counter-clockwise seen from above). */
  turn: 1 | -1;
  /** Action-specific variant (e.g. a dive's group), or '' for none. */
  variant: string;
}

/** Time inside a clip. */
export interface ActionTime {
  /** Seconds since the first frame. */
  t: number;
  /** Clip duration in seconds. */
  duration: number;
}

/** How an action prefers to be seen: from the side, from the front, or either. */
export type Facing = 'profile' | 'frontal' | 'any';

/** A parametric action. */
export interface ActionDef {
  readonly name: string;
  readonly facing: Facing;
  readonly pose: (time: ActionTime, p: ActionParams) => Pose;
}

const TAU = 2 * Math.PI;
const RAD = Math.PI / 180;

function travel(pose: Pose, v: number, time: ActionTime): Pose {
  const d = v * (time.t - time.duration / 2);
  pose.offset = [d * Math.sin(pose.yaw * RAD), pose.offset[1], d * Math.cos(pose.yaw * RAD)];
  return pose;
}

function walk(time: ActionTime, p: ActionParams): Pose {
  const f = 0.9 * p.speed;
  const ph = TAU * (f * time.t + p.phase);
  const s = Math.sin(ph);
  const c = Math.cos(ph);
  const A = p.amplitude;
  const pose = restPose();
  pose.yaw = p.yaw;
  pose.legL = leg(25 * A * s, 5 + 50 * A * Math.max(0, c));
  pose.legR = leg(-25 * A * s, 5 + 50 * A * Math.max(0, -c));
  pose.armL = arm(-22 * A * s, 15 + 15 * Math.max(0, -s), 4);
  pose.armR = arm(22 * A * s, 15 + 15 * Math.max(0, s), 4);
  pose.spinePitch = 3;
  return travel(pose, 1.4 * f * A, time);
}

function run(time: ActionTime, p: ActionParams): Pose {
  const f = 1.35 * p.speed;
  const ph = TAU * (f * time.t + p.phase);
  const s = Math.sin(ph);
  const c = Math.cos(ph);
  const A = p.amplitude;
  const pose = restPose();
  pose.yaw = p.yaw;
  pose.legL = leg(10 + 42 * A * s, 20 + 90 * Math.max(0, c));
  pose.legR = leg(10 - 42 * A * s, 20 + 90 * Math.max(0, -c));
  pose.armL = arm(-45 * A * s, 90, 8);
  pose.armR = arm(45 * A * s, 90, 8);
  pose.spinePitch = 14;
  pose.offset = [0, 0.07 * Math.abs(Math.sin(ph)), 0];
  return travel(pose, 2.6 * f * A, time);
}

function jump(time: ActionTime, p: ActionParams): Pose {
  const cyc = frac((time.t * p.speed) / 1.1 + p.phase);
  const crouch =
    cyc < 0.3 ? Math.sin((Math.PI * cyc) / 0.3) : cyc > 0.75 ? Math.sin((Math.PI * (cyc - 0.75)) / 0.25) : 0;
  const air = cyc >= 0.3 && cyc <= 0.75 ? (cyc - 0.3) / 0.45 : -1;
  const h = air >= 0 ? 4 * air * (1 - air) : 0;
  const A = p.amplitude;
  const pose = restPose();
  pose.yaw = p.yaw;
  const tuck = air >= 0 ? 25 * Math.sin(Math.PI * air) : 0;
  pose.legL = leg(70 * crouch + tuck, 100 * crouch + 2 * tuck);
  pose.legR = leg(70 * crouch + tuck, 100 * crouch + 2 * tuck);
  pose.spinePitch = 30 * crouch;
  const armsUp = air >= 0 ? 165 * Math.sin(Math.PI * Math.min(1, air * 1.4)) : -50 * crouch;
  pose.armL = arm(armsUp, 15, 10);
  pose.armR = arm(armsUp, 15, 10);
  pose.offset = [0, 0.5 * A * h, 0];
  return pose;
}

function wave(time: ActionTime, p: ActionParams): Pose {
  const ph = TAU * (2 * p.speed * time.t + p.phase);
  const pose = restPose();
  pose.yaw = p.yaw + 6 * Math.sin(ph / 4);
  const waving = arm(10, 0, 130, 0, 160 + 28 * p.amplitude * Math.sin(ph));
  const rest = arm(0, 10, 8);
  pose.armL = p.side === 1 ? waving : rest;
  pose.armR = p.side === 1 ? rest : waving;
  pose.legL = leg(0, 3, 4);
  pose.legR = leg(0, 3, 4);
  return pose;
}

function clap(time: ActionTime, p: ActionParams): Pose {
  const ph = TAU * (2.2 * p.speed * time.t + p.phase);
  const open = (0.5 + 0.5 * Math.cos(ph)) * p.amplitude;
  const pose = restPose();
  pose.yaw = p.yaw;
  const a = (): ReturnType<typeof arm> => arm(55, 45, 10 + 25 * open, 25 - 55 * open, 10 + 40 * open);
  pose.armL = a();
  pose.armR = a();
  pose.legL = leg(0, 3, 4);
  pose.legR = leg(0, 3, 4);
  return pose;
}

function squat(time: ActionTime, p: ActionParams): Pose {
  const ph = TAU * (0.55 * p.speed * time.t + p.phase);
  const d = Math.min(1, p.amplitude) * (0.5 - 0.5 * Math.cos(ph));
  const pose = restPose();
  pose.yaw = p.yaw;
  pose.legL = leg(100 * d, 125 * d, 6);
  pose.legR = leg(100 * d, 125 * d, 6);
  pose.spinePitch = 28 * d;
  pose.armL = arm(85 * d, 0, 5);
  pose.armR = arm(85 * d, 0, 5);
  return pose;
}

function kick(time: ActionTime, p: ActionParams): Pose {
  const cyc = frac((time.t * p.speed) / 1.3 + p.phase);
  const A = p.amplitude;
  const hip = keyframes(cyc, [
    [0, 0],
    [0.25, -25],
    [0.45, 90 * A],
    [0.7, 15],
    [1, 0],
  ]);
  const knee = keyframes(cyc, [
    [0, 5],
    [0.25, 85],
    [0.45, 5],
    [0.7, 35],
    [1, 5],
  ]);
  const k = Math.max(0, hip) / 90;
  const pose = restPose();
  pose.yaw = p.yaw;
  const kicking = leg(hip, knee);
  const support = leg(-5, 10);
  pose.legL = p.side === 1 ? kicking : support;
  pose.legR = p.side === 1 ? support : kicking;
  pose.spinePitch = -18 * k;
  pose.armL = arm(-40 * k * p.side + 10, 30, 25 * k);
  pose.armR = arm(40 * k * p.side + 10, 30, 25 * k);
  return pose;
}

function punch(time: ActionTime, p: ActionParams): Pose {
  const x = (time.t * p.speed) / 0.55 + p.phase;
  const which = Math.floor(x) % 2 === 0 ? 1 : -1;
  const cyc = frac(x);
  const ext = cyc < 0.5 ? Math.sin(Math.PI * (cyc / 0.5)) * Math.min(1, p.amplitude) : 0;
  const pose = restPose();
  pose.yaw = p.yaw;
  const guard = arm(25, 130, 12, 10);
  const strike = (e: number): ReturnType<typeof arm> => arm(25 + 65 * e, 130 * (1 - e), 12 - 8 * e, 10 + 5 * e);
  pose.armL = which === 1 ? strike(ext) : guard;
  pose.armR = which === -1 ? strike(ext) : guard;
  pose.legL = leg(p.side === 1 ? 18 : -12, 18, 5);
  pose.legR = leg(p.side === 1 ? -12 : 18, 18, 5);
  pose.spinePitch = 8;
  return pose;
}

function bow(time: ActionTime, p: ActionParams): Pose {
  const q = oneShot(time.t, time.duration, 1.8 / p.speed, p.phase);
  const b = smoothstep(0, 0.3, q) * (1 - smoothstep(0.6, 0.95, q));
  const pose = restPose();
  pose.yaw = p.yaw;
  pose.spinePitch = 70 * p.amplitude * b;
  pose.headPitch = 15 * b;
  pose.armL = arm(0, 5, 3);
  pose.armR = arm(0, 5, 3);
  pose.legL = leg(0, 3);
  pose.legR = leg(0, 3);
  return pose;
}

function turn(time: ActionTime, p: ActionParams): Pose {
  const q = oneShot(time.t, time.duration, 1.6 / p.speed, p.phase);
  const ph = TAU * 1.6 * p.speed * time.t;
  const pose = restPose();
  pose.yaw = p.yaw + p.turn * 300 * p.amplitude * smoothstep(0, 1, q);
  const step = q > 0 && q < 1 ? 12 * Math.sin(ph) : 0;
  pose.legL = leg(step, Math.abs(step) * 2, 5);
  pose.legR = leg(-step, Math.abs(step) * 2, 5);
  pose.armL = arm(10, 40, 30);
  pose.armR = arm(10, 40, 30);
  return pose;
}

function seated(s: number, lean: number, yaw: number): Pose {
  const pose = restPose();
  pose.yaw = yaw;
  pose.legL = leg(90 * s, 95 * s, 4);
  pose.legR = leg(90 * s, 95 * s, 4);
  pose.spinePitch = 8 * s + 30 * lean;
  pose.armL = arm(25 * s + 30 * lean, 20 + 20 * s, 6);
  pose.armR = arm(25 * s + 30 * lean, 20 + 20 * s, 6);
  return pose;
}

function sitDown(time: ActionTime, p: ActionParams): Pose {
  const q = oneShot(time.t, time.duration, 1.5 / p.speed, p.phase);
  const s = smoothstep(0, 1, q);
  return seated(s, Math.sin(Math.PI * s), p.yaw);
}

function standUp(time: ActionTime, p: ActionParams): Pose {
  const q = oneShot(time.t, time.duration, 1.5 / p.speed, p.phase);
  const s = 1 - smoothstep(0, 1, q);
  return seated(s, Math.sin(Math.PI * s), p.yaw);
}

function jumpingJacks(time: ActionTime, p: ActionParams): Pose {
  const ph = TAU * (1.1 * p.speed * time.t + p.phase);
  const o = (0.5 - 0.5 * Math.cos(ph)) * Math.min(1, p.amplitude);
  const pose = restPose();
  pose.yaw = p.yaw;
  pose.armL = arm(0, 5, 15 + 150 * o, 0, 15 + 160 * o);
  pose.armR = arm(0, 5, 15 + 150 * o, 0, 15 + 160 * o);
  pose.legL = leg(0, 5, 3 + 22 * o);
  pose.legR = leg(0, 5, 3 + 22 * o);
  pose.offset = [0, 0.1 * Math.abs(Math.sin(ph)), 0];
  return pose;
}

function throwBall(time: ActionTime, p: ActionParams): Pose {
  const cyc = frac((time.t * p.speed) / 1.6 + p.phase);
  const A = p.amplitude;
  const flex = keyframes(cyc, [
    [0, 0],
    [0.35, -45],
    [0.55, 120 * A],
    [0.75, 40],
    [1, 0],
  ]);
  const abd = keyframes(cyc, [
    [0, 5],
    [0.35, 70],
    [0.55, 20],
    [1, 5],
  ]);
  const lowAbd = keyframes(cyc, [
    [0, 5],
    [0.35, 165],
    [0.55, 20],
    [1, 5],
  ]);
  const r = Math.max(0, flex) / 120;
  const pose = restPose();
  pose.yaw = p.yaw;
  const throwing = arm(flex, 10, abd, 0, lowAbd);
  const other = arm(45 * (1 - r), 20, 10);
  pose.armL = p.side === 1 ? throwing : other;
  pose.armR = p.side === 1 ? other : throwing;
  const stride = keyframes(cyc, [
    [0, 0],
    [0.35, 10],
    [0.55, 28],
    [0.8, 10],
    [1, 0],
  ]);
  pose.legL = leg(p.side === 1 ? -stride / 2 : stride, 10, 4);
  pose.legR = leg(p.side === 1 ? stride : -stride / 2, 10, 4);
  pose.spinePitch = 20 * r - 8 * (flex < 0 ? -flex / 45 : 0);
  return pose;
}

/** The base actions, in a fixed order (their index is stable across runs). */
export const ACTIONS: readonly ActionDef[] = Object.freeze([
  { name: 'walk', facing: 'profile', pose: walk },
  { name: 'run', facing: 'profile', pose: run },
  { name: 'jump', facing: 'any', pose: jump },
  { name: 'wave', facing: 'frontal', pose: wave },
  { name: 'clap', facing: 'frontal', pose: clap },
  { name: 'squat', facing: 'profile', pose: squat },
  { name: 'kick', facing: 'profile', pose: kick },
  { name: 'punch', facing: 'profile', pose: punch },
  { name: 'bow', facing: 'profile', pose: bow },
  { name: 'turn', facing: 'any', pose: turn },
  { name: 'sit down', facing: 'profile', pose: sitDown },
  { name: 'stand up', facing: 'profile', pose: standUp },
  { name: 'jumping jacks', facing: 'frontal', pose: jumpingJacks },
  { name: 'throw', facing: 'profile', pose: throwBall },
] satisfies ActionDef[]);
