// Child of the fsync test: encodes one small video to argv[2] (run under strace by the test).
import { encodeVideo } from '../src/index.js';
import { makeFrames } from './helpers.js';

await encodeVideo(process.argv[2], makeFrames(4, 16, 16), { width: 16, height: 16, fps: 10 });
