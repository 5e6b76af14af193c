// The one vitest configuration every package extends (see each package's vitest.config.ts).
import path from 'node:path';
import { defineConfig, mergeConfig, type UserConfig } from 'vitest/config';

/**
 * With `PPMA_TEST_REPORT_DIR` set (CI sets it), each package also writes vitest's JSON report to
 * `<dir>/<package>.json`, so that `tools/test-failures.mjs` can repeat every failure at the end of the
 * log, where a truncated CI log still shows it.
 */
const reportDir = process.env.PPMA_TEST_REPORT_DIR;
const reportName = (process.env.npm_package_name ?? `${path.basename(process.cwd())}-${process.pid}`).replace(
  /[@/]/g,
  '_',
);
const reporters: NonNullable<UserConfig['test']>['reporters'] =
  reportDir === undefined || reportDir === ''
    ? ['default']
    : ['default', ['json', { outputFile: path.join(reportDir, `${reportName}.json`) }]];

/**
 * Workspace packages resolve to their TypeScript sources through the `@ppma/source` export
 * condition, so tests never run against a stale `dist/`. Vitest runs tests in Vite's SSR
 * environment, where `resolve.conditions` alone does not apply, hence the `ssr.resolve` half.
 */
const base = defineConfig({
  resolve: { conditions: ['@ppma/source'] },
  ssr: { resolve: { conditions: ['@ppma/source'], externalConditions: ['@ppma/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters,
  },
});

/** The package's vitest config: the shared base, with `overrides` merged over it. */
export function packageVitestConfig(overrides: UserConfig = {}): UserConfig {
  return mergeConfig(base, overrides);
}
