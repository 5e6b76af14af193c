/**
 * The complete, serialisable description of one clip. `renderClip(spec)` is a pure function of
 * it, so a spec can be sent to a worker thread or stored next to the video to re-render it.
 */
import type { ActionParams } from './actions.js';
import type { Rgb, SceneDesc } from './background.js';
import type { Outfit, PartColour, Proportions } from './skeleton.js';

/** "real": textured, lit, blurred, noisy; "synthetic": flat shading, no post-processing. */
export type Style = 'real' | 'synthetic';
/** Side view (ground line and horizon) or top-down (small figures seen from above). */
export type View = 'side' | 'aerial';

/** One person in a clip. */
export interface PersonSpec {
  /** Action name: one of {@link ACTIONS} or 'dive'. */
  action: string;
  params: ActionParams;
  proportions: Proportions;
  outfit: Outfit;
  colours: Record<PartColour, Rgb>;
  /** Ground position of the pelvis (m): x across the screen, z towards the camera. */
  x: number;
  z: number;
}

/** Camera motion: centre, pan, zoom and shake. */
export interface CameraSpec {
  /** World point at the frame centre at t = 0 (m). */
  u0: number;
  v0: number;
  /** World metres seen from top to bottom of the frame at zoom 1. */
  viewHeight: number;
  /** Zoom at t = 0 (>1 = closer) and its relative change per second. */
  zoom: number;
  zoomRate: number;
  /** Pan velocity (m/s). */
  panU: number;
  panV: number;
  /** Fraction of the first person's travel that the camera follows (0..1). */
  follow: number;
  /** Shake amplitude in pixels (per-frame jitter). */
  shake: number;
}

/** Post-processing of the "real" style (ignored by the "synthetic" style). */
export interface PostSpec {
  seed: number;
  /** Sensor noise amplitude (grey levels). */
  noise: number;
  /** 3x3 binomial blur on/off. */
  blur: boolean;
  /** Overall brightness gain and per-channel tint. */
  gain: number;
  tint: Rgb;
  /** Direction (rad) and strength of a linear light gradient across the frame. */
  lightAngle: number;
  lightStrength: number;
  /** Vignette strength (0..0.5). */
  vignette: number;
}

/** A clip to render. */
export interface ClipSpec {
  width: number;
  height: number;
  frames: number;
  fps: number;
  style: Style;
  view: View;
  /** Camera elevation above the horizontal (deg); 0 for side views. */
  elevation: number;
  scene: SceneDesc;
  people: PersonSpec[];
  camera: CameraSpec;
  post: PostSpec;
}
