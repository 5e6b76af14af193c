#!/usr/bin/env node
// Repeats every failed test (file, name, first lines of the error) from the vitest JSON reports in a
// directory (written when PPMA_TEST_REPORT_DIR is set; see vitest.base.ts), so that the end of a CI
// log names what failed even when only its tail is kept. Exits 0; prints nothing when all passed.
// Usage: node tools/test-failures.mjs <dir>
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
if (dir === undefined) {
  console.error('usage: node tools/test-failures.mjs <dir>');
  process.exit(2);
}
const files = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.json'));
const lines = [];
for (const f of files) {
  let report;
  try {
    report = JSON.parse(readFileSync(join(dir, f.name), 'utf8'));
  } catch (e) {
    lines.push(`${f.name}: unreadable report (${e.message})`);
    continue;
  }
  for (const file of report.testResults ?? []) {
    const failed = (file.assertionResults ?? []).filter((a) => a.status === 'failed');
    if (file.status === 'failed' && failed.length === 0) {
      lines.push(
        `FAIL ${file.name}: ${String(file.message ?? 'the file failed to run')
          .split('\n')
          .slice(0, 8)
          .join('\n  ')}`,
      );
    }
    for (const a of failed) {
      const msg = (a.failureMessages ?? [])
        .join('\n')
        .split('\n')
        .filter((l) => !l.includes('node_modules'))
        .slice(0, 12)
        .join('\n  ');
      lines.push(`FAIL ${file.name} > ${a.fullName}\n  ${msg}`);
    }
  }
}
if (lines.length > 0)
  console.log(`\ntest failures (${lines.length}), repeated from the reports in ${dir}:\n${lines.join('\n')}`);
