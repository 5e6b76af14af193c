/**
 * Locating the ffmpeg and ffprobe binaries (docs/ARCHITECTURE.md §6 "Clips"): `PPMA_FFMPEG` / `PPMA_FFPROBE`,
 * then `ffmpeg` / `ffprobe` on the PATH, then the static builds shipped by `@ffmpeg-installer/ffmpeg`
 * and `@ffprobe-installer/ffprobe`.
 */
import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { IoError } from '@ppma/core';

/** Paths of the two binaries every decode and probe runs. */
export interface FfmpegBinaries {
  ffmpeg: string;
  ffprobe: string;
}

let cached: FfmpegBinaries | undefined;
let cachedKey = '';

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, process.platform === 'win32' ? `${name}.exe` : name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function fromInstaller(pkg: string): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const mod = require(pkg) as { path?: unknown };
    return typeof mod.path === 'string' && isExecutable(mod.path) ? mod.path : undefined;
  } catch {
    return undefined;
  }
}

function locate(envVar: string, name: string, pkg: string): string {
  const forced = process.env[envVar];
  if (forced) {
    if (!isExecutable(forced))
      throw new IoError(forced, `${envVar} points to a file that is not an executable ${name}`);
    return forced;
  }
  const found = onPath(name) ?? fromInstaller(pkg);
  if (!found) {
    throw new IoError(name, `no ${name} binary: set ${envVar}, put ${name} on the PATH, or install ${pkg}`);
  }
  return found;
}

/**
 * Finds ffmpeg and ffprobe: `PPMA_FFMPEG` / `PPMA_FFPROBE` first, then the PATH, then the
 * npm-installed static builds. The result is cached until the environment variables change.
 * @throws IoError when a binary cannot be found.
 */
export function findFfmpeg(): FfmpegBinaries {
  const key = `${process.env.PPMA_FFMPEG ?? ''}\u0000${process.env.PPMA_FFPROBE ?? ''}\u0000${process.env.PATH ?? ''}`;
  if (cached && key === cachedKey) return cached;
  cached = {
    ffmpeg: locate('PPMA_FFMPEG', 'ffmpeg', '@ffmpeg-installer/ffmpeg'),
    ffprobe: locate('PPMA_FFPROBE', 'ffprobe', '@ffprobe-installer/ffprobe'),
  };
  cachedKey = key;
  return cached;
}

/**
 * The static builds shipped by `@ffmpeg-installer/ffmpeg` and `@ffprobe-installer/ffprobe`, or
 * `null` when they are not installed. They start in about 10 ms, where a distribution build linked
 * against dozens of shared libraries (Debian's) takes about 100 ms of CPU per process: for many
 * short, small clips (the embedded mini-benchmark) start-up dominates and the static build wins.
 */
export function bundledFfmpeg(): FfmpegBinaries | null {
  const ffmpeg = fromInstaller('@ffmpeg-installer/ffmpeg');
  const ffprobe = fromInstaller('@ffprobe-installer/ffprobe');
  return ffmpeg && ffprobe ? { ffmpeg, ffprobe } : null;
}
