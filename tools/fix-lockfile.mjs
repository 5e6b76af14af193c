#!/usr/bin/env node
// Removes optional-dependency edges from package-lock.json whose targets are not in the lockfile.
//
// Why: npm 11 leaves platform-specific optional packages out of the lockfile when the registry it
// resolves against lacks those versions (the npm registry mirror these build machines use has, for
// example, no @rollup/rollup-android-arm64@4.68.7), and `npm ci` then refuses the lockfile
// ("Missing: … from lock file"; see npm/cli#4828, #8320). The packages for this platform stay in
// the lockfile; only edges to packages that could never be installed from here are dropped.
// Run it after every `npm install` that changes the lockfile: `node tools/fix-lockfile.mjs`.
import fs from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const present = new Set(Object.keys(lock.packages));

/** Whether `dep`, required from the package at `from`, resolves (node_modules walk-up). */
function resolves(from, dep) {
  let base = from;
  for (;;) {
    if (present.has(`${base ? `${base}/` : ''}node_modules/${dep}`)) return true;
    if (!base) return false;
    const i = base.lastIndexOf('node_modules/');
    base = i > 0 ? base.slice(0, i - 1) : '';
  }
}

let removed = 0;
for (const [loc, pkg] of Object.entries(lock.packages)) {
  if (!pkg.optionalDependencies) continue;
  for (const dep of Object.keys(pkg.optionalDependencies)) {
    if (!resolves(loc, dep)) {
      delete pkg.optionalDependencies[dep];
      removed++;
    }
  }
  if (Object.keys(pkg.optionalDependencies).length === 0) delete pkg.optionalDependencies;
}
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`fix-lockfile: removed ${removed} optional edge(s) to packages absent from the lockfile`);
