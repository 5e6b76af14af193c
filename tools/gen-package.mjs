// Scaffolds the config files of one workspace package (package.json is written only when absent).
// Usage: node tools/gen-package.mjs <dir> "<description>" [dep ...]
import fs from 'node:fs';
import path from 'node:path';

const [dir, description, ...deps] = process.argv.slice(2);
const root = path.resolve('packages', dir);
fs.mkdirSync(path.join(root, 'src'), { recursive: true });
const write = (f, text, always = true) => {
  const p = path.join(root, f);
  if (always || !fs.existsSync(p)) fs.writeFileSync(p, text);
};
const pkg = {
  name: `@ppma/${dir}`,
  version: '0.1.0',
  description,
  type: 'module',
  license: 'Apache-2.0',
  main: './dist/index.js',
  types: './dist/index.d.ts',
  exports: {
    '.': {
      '@ppma/source': './src/index.ts',
      types: './dist/index.d.ts',
      import: './dist/index.js',
    },
    './package.json': './package.json',
  },
  files: ['dist', 'README.md'],
  scripts: {
    build: 'tsc -b tsconfig.lib.json',
    test: 'vitest run',
    typecheck: 'tsc -p tsconfig.json --noEmit',
    lint: 'eslint src',
  },
  nx: { tags: [`scope:${dir}`] },
  dependencies: Object.fromEntries(deps.map((d) => [`@ppma/${d}`, '0.1.0'])),
};
write('package.json', JSON.stringify(pkg, null, 2) + '\n', false);
write(
  'tsconfig.lib.json',
  JSON.stringify(
    {
      extends: '../../tsconfig.base.json',
      compilerOptions: { composite: true, rootDir: 'src', outDir: 'dist', tsBuildInfoFile: 'dist/.tsbuildinfo' },
      include: ['src/**/*.ts'],
      exclude: ['src/**/*.test.ts', 'src/**/*.bench.ts'],
      references: deps.map((d) => ({ path: `../${d}/tsconfig.lib.json` })),
    },
    null,
    2,
  ) + '\n',
);
write(
  'tsconfig.json',
  JSON.stringify(
    {
      extends: '../../tsconfig.base.json',
      compilerOptions: { noEmit: true },
      include: ['src/**/*.ts', 'test/**/*.ts', 'vitest.config.ts'],
    },
    null,
    2,
  ) + '\n',
);
write(
  'vitest.config.ts',
  `import { packageVitestConfig } from '../../vitest.base.js';

export default packageVitestConfig();
`,
  false,
);
