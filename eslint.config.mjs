// Lint: typescript-eslint's recommended rules, plus the package layer rules of docs/ARCHITECTURE.md §2,
// checked by @nx/enforce-module-boundaries from each package's `nx.tags`.
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';

/** Which packages each package may import (docs/ARCHITECTURE.md §2: dependencies point down the table). */
const allowed = {
  native: [],
  core: ['native'],
  'video-io': ['core'],
  synth: ['core', 'video-io'],
  'hat-removal': ['core', 'video-io', 'synth'],
  vit: ['core'],
  mae: ['core', 'video-io', 'vit'],
  align: ['core', 'video-io', 'vit'],
  soup: ['core', 'video-io', 'vit'],
  bench: ['core', 'video-io', 'synth', 'vit', 'align', 'soup'],
  review: ['core', 'video-io'],
  cli: ['core', 'video-io', 'synth', 'hat-removal', 'vit', 'mae', 'align', 'soup', 'bench', 'review'],
};

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['packages/*/src/**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: Object.entries(allowed).map(([pkg, deps]) => ({
            sourceTag: `scope:${pkg}`,
            onlyDependOnLibsWithTags: deps.map((d) => `scope:${d}`),
          })),
        },
      ],
    },
  },
  {
    // No function over 120 lines, every line counted (tools/function-lengths.mjs lists them).
    files: ['packages/*/src/**/*.ts'],
    rules: {
      'max-lines-per-function': ['error', { max: 120, skipBlankLines: false, skipComments: false, IIFEs: true }],
    },
  },
);
