// Child process for the kill-and-resume test: trains slowly until the parent sends SIGKILL.
import { initBackend } from '../src/index.js';
import { makeProblem } from './regression-problem.js';

const runDir = process.argv[2];
await initBackend({ backend: 'wasm' });
const p = makeProblem({ delayMs: 40 });
await p.run({ runDir });
process.stdout.write('finished\n');
