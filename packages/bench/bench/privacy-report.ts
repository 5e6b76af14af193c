/**
 * Re-renders a `runPrivacyProbes` output with the action accuracy of a benchmark's `results.json`
 * (average FT top-1 per model) as the utility axis, without re-running any probe.
 *
 *   node --conditions=@ppma/source --import tsx packages/bench/bench/privacy-report.ts <privacy dir> <results.json>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { privacySection, privacyUtilityChart, type Interval, type PrivacyResults } from '../src/index.js';

const [dir, resultsFile] = process.argv.slice(2);
if (!dir || !resultsFile) throw new Error('usage: privacy-report.ts <privacy dir> <results.json>');
const r = JSON.parse(readFileSync(join(dir, 'privacy.json'), 'utf8')) as PrivacyResults;
const bench = JSON.parse(readFileSync(resultsFile, 'utf8')) as { averages: Record<string, { ft?: Interval }> };
const utility = Object.fromEntries(Object.entries(bench.averages).flatMap(([m, a]) => (a.ft ? [[m, a.ft]] : [])));
const out: PrivacyResults = { ...r, utility, utilityLabel: 'avg FT top-1 (%)' };
writeFileSync(join(dir, 'privacy-utility.svg'), privacyUtilityChart(out));
writeFileSync(join(dir, 'privacy.md'), privacySection(out, { chart: 'privacy-utility.svg', heading: '#' }) + '\n');
writeFileSync(join(dir, 'privacy.json'), JSON.stringify(out) + '\n');
console.log(privacySection(out));
