// When to rebuild the N-API addon, shared by tools/build-native.mjs (the monorepo) and
// scripts/install.mjs (package users). The addon is rebuilt when it is missing, when a source is
// newer, or when the GEMM variant this machine would build now ('blas' with OpenBLAS found, else
// 'own') differs from the one recorded in build/Release/variant.txt: e.g. OpenBLAS installed after
// an own-GEMM build, or removed after an OpenBLAS build (docs/ARCHITECTURE.md §3).
import fs from 'node:fs';

/**
 * Why the addon must be rebuilt, or null when it is up to date.
 * @param {{ force?: boolean, addonMtimeMs: number | null, sourceMtimesMs: number[],
 *   builtVariant: string | null, wantedVariant: string | null }} s
 *   addonMtimeMs: null when the addon is missing; builtVariant: the recorded variant (null when not
 *   recorded); wantedVariant: what would be built now (null when unknown, e.g. no compiler to probe).
 * @returns {string | null}
 */
export function rebuildReason(s) {
  if (s.force) return '--force';
  if (s.addonMtimeMs === null) return 'no addon built yet';
  const newer = s.sourceMtimesMs.some((m) => m > s.addonMtimeMs);
  if (newer) return 'sources changed';
  if (s.wantedVariant === null) return null;
  if (s.builtVariant === null) return `built variant unknown, building '${s.wantedVariant}'`;
  if (s.builtVariant !== s.wantedVariant)
    return `variant '${s.builtVariant}' built, this machine gives '${s.wantedVariant}'`;
  return null;
}

/** The variant recorded next to the addon ('blas' | 'own'), or null. @param {string} stampPath */
export function readVariant(stampPath) {
  if (!fs.existsSync(stampPath)) return null;
  const v = fs.readFileSync(stampPath, 'utf8').trim();
  return v === 'blas' || v === 'own' ? v : null;
}

/** The addon's mtime, or null when it is missing. @param {string} addonPath */
export function mtimeOrNull(addonPath) {
  return fs.existsSync(addonPath) ? fs.statSync(addonPath).mtimeMs : null;
}
