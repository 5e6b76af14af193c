/**
 * Springboard dives for the Diving48-like task: one fixed scene, fine-grained classes that differ
 * only in the motion: take-off direction (forward / backward) and body shape (tuck / pike /
 * straight). The number of extra somersaults (0 or 1) varies within a class, as the twist and
 * somersault counts do in Diving48.
 */
import type { ActionDef, ActionParams, ActionTime } from './actions.js';
import { arm, leg, smoothstep } from './motion.js';
import { restPose } from './skeleton.js';
import type { Pose } from './skeleton.js';

/** Height of the springboard above the water (m) and the x of its tip. */
export const BOARD_HEIGHT = 1.3;
export const BOARD_TIP_X = -0.7;

/** The dive groups, as `direction-shape`. */
export const DIVE_VARIANTS = [
  'forward-tuck',
  'forward-pike',
  'forward-straight',
  'backward-tuck',
  'backward-pike',
  'backward-straight',
] as const;

function dive(time: ActionTime, p: ActionParams): Pose {
  const [direction, shape] = p.variant.split('-');
  const dir = direction === 'backward' ? -1 : 1;
  const extra = p.phase < 0.5 ? 0 : 1;
  const tau = -0.22 + (1.2 * p.speed * time.t) / time.duration;
  const pose = restPose();
  pose.yaw = dir === 1 ? 90 : -90;
  if (tau < 0) {
    // bounce on the board tip: crouch, arms swing up
    const c = Math.sin((Math.PI * (tau + 0.22)) / 0.22);
    pose.legL = leg(45 * c, 70 * c);
    pose.legR = leg(45 * c, 70 * c);
    pose.armL = arm(-30 * c + 150 * (1 - c) * Math.max(0, (tau + 0.11) / 0.11), 10);
    pose.armR = pose.armL;
    pose.offset = [BOARD_TIP_X - 0.15, BOARD_HEIGHT, 0];
    return pose;
  }
  const sh = Math.sin(Math.PI * smoothstep(0.08, 0.85, tau));
  const entry = smoothstep(0.75, 0.95, tau);
  const turns = 180 + 360 * extra;
  pose.pitch = dir * turns * smoothstep(0.05, 0.9, tau) * p.amplitude ** 0.1;
  if (shape === 'tuck') {
    pose.legL = leg(125 * sh, 140 * sh);
    pose.armL = arm(60 * sh + 170 * entry, 70 * sh);
  } else if (shape === 'pike') {
    pose.legL = leg(125 * sh, 0);
    pose.armL = arm(120 * sh + 170 * entry * (1 - sh), 0);
    pose.spinePitch = 20 * sh;
  } else {
    pose.legL = leg(0, 0);
    pose.armL = arm(170 * entry, 0, 85 * (1 - entry) * Math.min(1, sh * 2));
  }
  pose.legR = pose.legL;
  pose.armR = pose.armL;
  const x = BOARD_TIP_X + 1.7 * tau;
  const y = BOARD_HEIGHT + 3.0 * tau - (3.0 + BOARD_HEIGHT + 0.6) * tau * tau;
  pose.offset = [x, y, 0];
  return pose;
}

/** The dive as an action definition (its `variant` names the class). */
export const DIVE: ActionDef = Object.freeze({ name: 'dive', facing: 'profile', pose: dive });
