#!/usr/bin/env node
// The `ppma` executable: a committed shim so that npm can link the bin at install time, before
// `npm ci`'s prepare step has compiled packages/cli/dist.
import { main } from '../dist/main.js';

process.exitCode = await main();
