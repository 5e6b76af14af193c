/**
 * Writes the README contact sheets: `node --conditions=@ppma/source --import tsx packages/synth/bench/preview.ts`.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderContactSheet } from '../src/index.js';

const docs = fileURLToPath(new URL('../docs/', import.meta.url));
const actions = renderContactSheet({ size: 64, shown: 4, dives: false });
writeFileSync(`${docs}preview.png`, actions);
const dives = renderContactSheet({ size: 64, shown: 5, actions: false });
writeFileSync(`${docs}preview-dives.png`, dives);
console.log(`preview.png ${actions.length} bytes, preview-dives.png ${dives.length} bytes`);
