/** Reference check of lib/ridge.ts against numpy: `node --conditions=@ppma/source --import tsx experiments/check-ridge.ts | /usr/bin/python3 experiments/check-ridge.py`. */
import { fitRidge, rows } from './lib/ridge.js';
import { Rng } from '@ppma/core';
// Prints ridge scores from the primal path (d <= n) and the dual path (d > n), and the data, for check-ridge.py.
const rng = new Rng(1);
const f = Array.from({ length: 30 }, () => Array.from({ length: 8 }, () => rng.float()));
const y = f.map((_, i) => i % 3);
const r = rows(f, y);
const p = fitRidge(r, [...Array(30).keys()], 3, 2.5);
console.log(JSON.stringify(Array.from(p.scores(f[0]))));
const r2 = rows(f.slice(0, 6), y.slice(0, 6));
const p2 = fitRidge(r2, [0, 1, 2, 3, 4, 5], 3, 2.5);
console.log(JSON.stringify(Array.from(p2.scores(f[7]))));
console.log(JSON.stringify(f.slice(0, 30)));
