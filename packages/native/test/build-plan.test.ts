import { describe, expect, it } from 'vitest';

// @ts-expect-error plain ESM script without type declarations
import { rebuildReason } from '../scripts/build-plan.mjs';

const reason = rebuildReason as (s: {
  force?: boolean;
  addonMtimeMs: number | null;
  sourceMtimesMs: number[];
  builtVariant: string | null;
  wantedVariant: string | null;
}) => string | null;

const upToDate = { addonMtimeMs: 100, sourceMtimesMs: [10, 90], builtVariant: 'blas', wantedVariant: 'blas' };

describe('rebuildReason (tools/build-native.mjs, scripts/install.mjs)', () => {
  it('keeps an addon newer than its sources with the variant this machine gives', () => {
    expect(reason(upToDate)).toBeNull();
    expect(reason({ ...upToDate, builtVariant: 'own', wantedVariant: 'own' })).toBeNull();
  });
  it('rebuilds when OpenBLAS appeared after an own-GEMM build, and the other way round', () => {
    expect(reason({ ...upToDate, builtVariant: 'own' })).toMatch(/'own' built.*'blas'/);
    expect(reason({ ...upToDate, wantedVariant: 'own' })).toMatch(/'blas' built.*'own'/);
  });
  it('rebuilds when forced, missing, older than a source, or of unrecorded variant', () => {
    expect(reason({ ...upToDate, force: true })).toBe('--force');
    expect(reason({ ...upToDate, addonMtimeMs: null })).toMatch(/no addon/);
    expect(reason({ ...upToDate, sourceMtimesMs: [10, 101] })).toMatch(/sources changed/);
    expect(reason({ ...upToDate, builtVariant: null })).toMatch(/unknown/);
  });
  it('keeps the addon when the wanted variant cannot be probed', () => {
    expect(reason({ ...upToDate, builtVariant: 'own', wantedVariant: null })).toBeNull();
  });
});
