/**
 * Test footage built from the real pedestrian clip (OpenCV's vtest.avi, 384x288, 96 frames at 10
 * fps) with ffmpeg: the street upscaled, shots joined end to end (cuts), close-ups (crops zoomed
 * until a person fills much of the frame, cut by the frame edges) and small background people (a
 * scaled copy pasted into the scene). Used by the tests (short, small) and the bench (full size).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The real clip. */
export const PEDESTRIANS = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'fixtures',
  'pedestrians-96f-384x288.mp4',
);

function ffmpeg(filter: string, out: string, frames: number): string {
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-i',
    PEDESTRIANS,
    '-filter_complex',
    filter,
    '-map',
    '[v]',
    '-frames:v',
    String(frames),
    '-c:v',
    'libx264',
    '-crf',
    '16',
    '-pix_fmt',
    'yuv420p',
    '-r',
    '10',
    '-y',
    out,
  ]);
  return out;
}

const part = (from: number, to: number, then: string, w: number, h: number, label: string): string =>
  `[0:v]trim=start_frame=${from}:end_frame=${to},setpts=PTS-STARTPTS,${then}scale=${w}:${h}:flags=lanczos,setsar=1[${label}]`;

/** The street scaled to `w x h` (first `frames` frames). */
export function streetClip(out: string, w: number, h: number, frames: number): string {
  return ffmpeg(`[0:v]scale=${w}:${h}:flags=lanczos,setsar=1[v]`, out, frames);
}

/**
 * Three shots of `n` frames each, joined with hard cuts at `n` and `2n`: the street; a later stretch
 * mirrored and played backwards (same place, other layout, other people); a 2x close-up of a third
 * stretch. A fill that crosses a cut pastes the other shot's pixels (and people).
 */
export function cutsClip(out: string, w: number, h: number, n: number): string {
  return ffmpeg(
    [
      part(0, n, '', w, h, 'a'),
      part(n + 8, 2 * n + 8, 'reverse,hflip,', w, h, 'b'),
      part(2 * n + 16, 3 * n + 16, 'crop=iw/2:ih/2:iw/4:ih/5,', w, h, 'c'),
      '[a][b][c]concat=n=3:v=1[v]',
    ].join(';'),
    out,
    3 * n,
  );
}

/**
 * Close-ups: two shots of `n` frames, crops of a quarter of the width zoomed 4x, so the walkers are
 * most of the frame's height and leave it at the edges; the second shot is mirrored.
 */
export function closeupClip(out: string, w: number, h: number, n: number): string {
  return ffmpeg(
    [
      part(0, n, 'crop=96:72:150:60,', w, h, 'a'),
      part(40, 40 + n, 'crop=96:72:250:40,hflip,', w, h, 'b'),
      '[a][b]concat=n=2:v=1[v]',
    ].join(';'),
    out,
    2 * n,
  );
}

/**
 * Small background people: the street with a copy of a later stretch, scaled by `scale`, pasted
 * into its top-left corner, so its people are `scale` times the size of the others.
 */
export function backgroundClip(out: string, w: number, h: number, frames: number, scale = 0.4): string {
  const sw = Math.round((w * scale) / 2) * 2;
  const sh = Math.round((h * scale) / 2) * 2;
  return ffmpeg(
    [
      `[0:v]split[m][s]`,
      `[m]scale=${w}:${h}:flags=lanczos,setsar=1[big]`,
      `[s]trim=start_frame=30,setpts=PTS-STARTPTS,scale=${sw}:${sh}:flags=lanczos,setsar=1[small]`,
      `[big][small]overlay=x=4:y=4:shortest=1[v]`,
    ].join(';'),
    out,
    frames,
  );
}
