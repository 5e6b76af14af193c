// Child process for the lock tests: runs the slow regression training into argv[2] until killed.
import { initBackend } from '../src/index.js';
import { makeProblem } from './regression-problem.js';

await initBackend({ backend: 'wasm' });
const p = makeProblem({ delayMs: 200, totalSteps: 1000 });
process.stdout.write('started\n');
await p.run({ runDir: process.argv[2] });
