/**
 * The private attributes of a virtual human (issue 17 §3, docs/ARCHITECTURE.md §9): discrete
 * classes read back from a clip's {@link ClipSpec} (skin and hair palette entry, shirt hue, height,
 * build, sleeves). They are derived from what `sampleClip` already drew, without drawing anything,
 * so labelling clips with them changes no pixel and no RNG stream of any dataset.
 */
import type { Rgb } from './background.js';
import type { ClipSpec, PersonSpec } from './clip-spec.js';
import { HAIR, SKIN } from './sample-clip.js';
import { DEFAULT_PROPORTIONS } from './skeleton.js';

/** A private attribute and its classes (label id = index in `classes`). */
export interface IdentityAttribute {
  readonly name: string;
  readonly classes: readonly string[];
  readonly description: string;
}

/** The attributes, in column order of the identity manifests. */
export const IDENTITY_ATTRIBUTES: readonly IdentityAttribute[] = Object.freeze([
  {
    name: 'skin',
    classes: ['very light', 'light', 'medium', 'tan', 'brown', 'dark'],
    description: 'skin palette entry (6 tones, drawn uniformly)',
  },
  {
    name: 'hair',
    classes: ['black', 'dark brown', 'brown', 'blond', 'grey', 'red'],
    description: 'hair palette entry (6 colours, drawn uniformly)',
  },
  {
    name: 'shirt',
    classes: ['red', 'yellow', 'green', 'cyan', 'blue', 'magenta'],
    description: 'shirt hue, in six 60-degree sectors centred on the primaries and secondaries',
  },
  {
    name: 'height',
    classes: ['short', 'medium', 'tall'],
    description: 'body height (x0.86 to x1.1 of 1.75 m) in three equal ranges',
  },
  {
    name: 'build',
    classes: ['slim', 'medium', 'broad'],
    description: 'girth (x0.85 to x1.3) in three equal ranges',
  },
  { name: 'sleeves', classes: ['long', 'short'], description: 'shirt sleeves' },
]);

/** Label ids of one person, by attribute name (in {@link IDENTITY_ATTRIBUTES} order). */
export type IdentityLabels = Readonly<Record<string, number>>;

/** Index of the palette entry nearest (max-norm) to a jittered colour. */
function nearest(palette: readonly Rgb[], c: Rgb): number {
  let best = 0;
  let dist = Infinity;
  palette.forEach((p, i) => {
    const d = Math.max(Math.abs(p[0] - c[0]), Math.abs(p[1] - c[1]), Math.abs(p[2] - c[2]));
    if (d < dist) [best, dist] = [i, d];
  });
  return best;
}

/** Hue sector 0..5 (red, yellow, green, cyan, blue, magenta) of an RGB colour. */
export function hueSector(c: Rgb): number {
  const [r, g, b] = c;
  const max = Math.max(r, g, b);
  const d = max - Math.min(r, g, b);
  if (d === 0) return 0;
  const h = max === r ? ((g - b) / d + 6) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4; // [0, 6)
  return Math.floor(h + 0.5) % 6;
}

/** Which of `n` equal ranges of `[lo, hi]` holds `v` (clamped). */
function range(v: number, lo: number, hi: number, n: number): number {
  return Math.min(n - 1, Math.max(0, Math.floor(((v - lo) / (hi - lo)) * n)));
}

/** The identity labels of a person. */
export function personIdentity(p: PersonSpec): IdentityLabels {
  return {
    skin: nearest(SKIN, p.colours.skin),
    hair: nearest(HAIR, p.colours.hair),
    shirt: hueSector(p.colours.shirt),
    height: range(p.proportions.height / DEFAULT_PROPORTIONS.height, 0.86, 1.1, 3),
    build: range(p.proportions.girth, 0.85, 1.3, 3),
    sleeves: p.outfit.shortSleeves ? 1 : 0,
  };
}

/** The identity labels of a clip's main (first) person. */
export function clipIdentity(spec: ClipSpec): IdentityLabels {
  const first = spec.people[0];
  if (!first) throw new RangeError('clipIdentity: the clip has no person');
  return personIdentity(first);
}
