/**
 * The articulated figure: body proportions, joint angles and forward kinematics to 3-D capsules.
 *
 * Body frame: x = the person's left, y = up, z = forward (where the person faces); the pelvis is
 * the origin. World frame: the same axes after turning by `yaw` about y (0 = facing the camera,
 * +90 = facing screen right). Angles are in degrees.
 */

/** A 3-D point or direction. */
export type Vec3 = [number, number, number];

/** Angles of one limb segment: flexion (forward swing), abduction (sideways raise), horizontal adduction (towards the midline). */
export interface SegmentAngles {
  flex: number;
  abd: number;
  horiz: number;
}

/** A limb as two segments with absolute angles in the torso (arms) or pelvis (legs) frame. */
export interface LimbPose {
  upper: SegmentAngles;
  lower: SegmentAngles;
}

/** A full-body pose. */
export interface Pose {
  /** Facing about the vertical axis (deg, 0 = towards the camera, 90 = screen right). */
  yaw: number;
  /** Whole-body rotation about the pelvis' left axis (deg, + = forward somersault). */
  pitch: number;
  /** Upper-body bend forward (deg). */
  spinePitch: number;
  /** Upper-body lean to the person's left (deg). */
  spineRoll: number;
  /** Head nod forward (deg). */
  headPitch: number;
  armL: LimbPose;
  armR: LimbPose;
  legL: LimbPose;
  legR: LimbPose;
  /** World displacement of the pelvis (m), after grounding. */
  offset: Vec3;
  /** If true the lowest point of the body is put on the ground (y = 0) before `offset` is added. */
  grounded: boolean;
}

/** Body proportions: `height` in metres, every other length as a fraction of the height. */
export interface Proportions {
  height: number;
  torso: number;
  neck: number;
  head: number;
  upperArm: number;
  foreArm: number;
  thigh: number;
  shin: number;
  shoulder: number;
  hip: number;
  /** Multiplies every limb and torso radius (build). */
  girth: number;
}

/** Average adult proportions (fractions of height). */
export const DEFAULT_PROPORTIONS: Proportions = {
  height: 1.75,
  torso: 0.3,
  neck: 0.045,
  head: 0.062,
  upperArm: 0.165,
  foreArm: 0.145,
  thigh: 0.235,
  shin: 0.235,
  shoulder: 0.105,
  hip: 0.055,
  girth: 1,
};

/** Which colour a capsule takes. */
export type PartColour = 'skin' | 'hair' | 'shirt' | 'pants' | 'shoes';

/** A capsule of the body in world coordinates (m). */
export interface BodyCapsule {
  a: Vec3;
  b: Vec3;
  ra: number;
  rb: number;
  colour: PartColour;
  /** +1 for the person's left limbs, -1 for the right, 0 for the trunk and head. */
  side: number;
  /** Drawn before everything else of the same person (hair behind the head). */
  behind?: boolean;
}

/** A standing, arms-down pose facing the camera. */
export function restPose(): Pose {
  const seg = (): SegmentAngles => ({ flex: 0, abd: 0, horiz: 0 });
  const limb = (): LimbPose => ({ upper: seg(), lower: seg() });
  return {
    yaw: 0,
    pitch: 0,
    spinePitch: 0,
    spineRoll: 0,
    headPitch: 0,
    armL: limb(),
    armR: limb(),
    legL: limb(),
    legR: limb(),
    offset: [0, 0, 0],
    grounded: true,
  };
}

const RAD = Math.PI / 180;

/** Unit direction of a segment hanging from a joint on `side` (+1 left, -1 right), body frame. */
export function segmentDirection(a: SegmentAngles, side: number): Vec3 {
  const f = a.flex * RAD;
  const b = a.abd * RAD;
  const h = a.horiz * RAD;
  const x = side * Math.cos(f) * Math.sin(b);
  const y = -Math.cos(f) * Math.cos(b);
  const z = Math.sin(f);
  return [x * Math.cos(h) - side * z * Math.sin(h), y, z * Math.cos(h) + side * x * Math.sin(h)];
}

function rotX(p: Vec3, deg: number): Vec3 {
  const c = Math.cos(deg * RAD);
  const s = Math.sin(deg * RAD);
  return [p[0], p[1] * c - p[2] * s, p[1] * s + p[2] * c];
}

function rotZ(p: Vec3, deg: number): Vec3 {
  const c = Math.cos(deg * RAD);
  const s = Math.sin(deg * RAD);
  return [p[0] * c - p[1] * s, p[0] * s + p[1] * c, p[2]];
}

function rotY(p: Vec3, deg: number): Vec3 {
  const c = Math.cos(deg * RAD);
  const s = Math.sin(deg * RAD);
  return [p[0] * c + p[2] * s, p[1], -p[0] * s + p[2] * c];
}

const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
const scale = (a: Vec3, k: number): Vec3 => [a[0] * k, a[1] * k, a[2] * k];

/** Options of {@link poseToCapsules}: clothing choices that change which parts show skin. */
export interface Outfit {
  shortSleeves: boolean;
  shorts: boolean;
}

/**
 * Forward kinematics: the capsules of a posed figure in world coordinates (metres, ground y = 0).
 */
export function poseToCapsules(pose: Pose, prop: Proportions, outfit: Outfit): BodyCapsule[] {
  const H = prop.height;
  const g = prop.girth;
  const torsoFrame = (p: Vec3): Vec3 => rotZ(rotX(p, pose.spinePitch), -pose.spineRoll);
  const neckBase = torsoFrame([0, prop.torso * H, 0]);
  const caps: BodyCapsule[] = [];
  const push = (a: Vec3, b: Vec3, ra: number, rb: number, colour: PartColour, side: number, behind?: boolean): void => {
    caps.push({ a, b, ra: ra * H, rb: rb * H, colour, side, behind });
  };
  // trunk
  push([0, 0, 0], neckBase, 0.07 * g, 0.075 * g, 'shirt', 0);
  const hipL: Vec3 = [prop.hip * H, 0, 0];
  const hipR: Vec3 = [-prop.hip * H, 0, 0];
  push(hipL, hipR, 0.06 * g, 0.06 * g, 'pants', 0);
  const shL = add(neckBase, torsoFrame([prop.shoulder * H, -0.025 * H, 0]));
  const shR = add(neckBase, torsoFrame([-prop.shoulder * H, -0.025 * H, 0]));
  push(shL, shR, 0.045 * g, 0.045 * g, 'shirt', 0);
  // neck and head
  const headDir = torsoFrame(rotX([0, 1, 0], pose.headPitch));
  const headC = add(neckBase, scale(headDir, (prop.neck + prop.head) * H));
  push(neckBase, add(neckBase, scale(headDir, prop.neck * H)), 0.028, 0.028, 'skin', 0);
  const back = torsoFrame(rotX([0, 0, -1], pose.headPitch));
  push(
    add(headC, add(scale(headDir, 0.012 * H), scale(back, 0.012 * H))),
    headC,
    prop.head * 1.02,
    prop.head * 0.95,
    'hair',
    0,
    true,
  );
  push(headC, headC, prop.head, prop.head, 'skin', 0);
  // arms
  for (const [side, sh, limb] of [
    [1, shL, pose.armL],
    [-1, shR, pose.armR],
  ] as const) {
    const du = torsoFrame(segmentDirection(limb.upper, side));
    const dl = torsoFrame(segmentDirection(limb.lower, side));
    const elbow = add(sh, scale(du, prop.upperArm * H));
    const wrist = add(elbow, scale(dl, prop.foreArm * H));
    push(sh, elbow, 0.037 * g, 0.031 * g, 'shirt', side);
    push(elbow, wrist, 0.029 * g, 0.024 * g, outfit.shortSleeves ? 'skin' : 'shirt', side);
    push(add(wrist, scale(dl, 0.03 * H)), add(wrist, scale(dl, 0.03 * H)), 0.03, 0.03, 'skin', side);
  }
  // legs
  for (const [side, hip, limb] of [
    [1, hipL, pose.legL],
    [-1, hipR, pose.legR],
  ] as const) {
    const du = segmentDirection(limb.upper, side);
    const dl = segmentDirection(limb.lower, side);
    const knee = add(hip, scale(du, prop.thigh * H));
    const ankle = add(knee, scale(dl, prop.shin * H));
    const df = segmentDirection({ flex: limb.lower.flex + 80, abd: limb.lower.abd, horiz: limb.lower.horiz }, side);
    push(hip, knee, 0.055 * g, 0.043 * g, 'pants', side);
    push(knee, ankle, 0.04 * g, 0.03 * g, outfit.shorts ? 'skin' : 'pants', side);
    push(add(ankle, scale(df, -0.01 * H)), add(ankle, scale(df, 0.07 * H)), 0.026, 0.022, 'shoes', side);
  }
  // whole body: somersault pitch about the pelvis, then facing
  for (const c of caps) {
    c.a = rotY(rotX(c.a, pose.pitch), pose.yaw);
    c.b = rotY(rotX(c.b, pose.pitch), pose.yaw);
  }
  let lift = 0;
  if (pose.grounded) {
    let minY = Infinity;
    for (const c of caps) minY = Math.min(minY, c.a[1] - c.ra, c.b[1] - c.rb);
    lift = -minY;
  }
  const shift: Vec3 = [pose.offset[0], pose.offset[1] + lift, pose.offset[2]];
  for (const c of caps) {
    c.a = add(c.a, shift);
    c.b = add(c.b, shift);
  }
  return caps;
}
