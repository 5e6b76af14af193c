// encodeVideo must fsync its output before the rename that publishes it (a done-marker written
// after it is fsynced, so without this a crash could leave a marker pointing at a lost file).
// Checked by tracing the system calls of a child process with strace.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const strace = spawnSync('strace', ['-qq', '-e', 'trace=none', 'true']).status === 0;
if (!strace) console.warn('fsync test skipped: strace is missing or ptrace is not permitted');

describe('encodeVideo publishes durably', () => {
  it.skipIf(!strace)('fsyncs the temporary file before renaming it into place (needs strace)', () => {
    const tmp = tempDir();
    const out = join(tmp.dir, 'v.mp4');
    const r = spawnSync(
      'strace',
      ['-f', '-qq', '-y', '-e', 'trace=fsync,fdatasync,rename,renameat,renameat2', process.execPath].concat([
        '--import',
        'tsx',
        '--conditions=@ppma/source',
        join(here, 'encode-child.ts'),
        out,
      ]),
      { encoding: 'utf8', timeout: 120_000 },
    );
    tmp.cleanup();
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    const lines = r.stderr.split('\n');
    const renameAt = lines.findIndex((l) => /rename\w*\(.*\.v\.tmp-\d+-[0-9a-f]+\.mp4.*v\.mp4"/.test(l));
    expect(renameAt, 'the rename of the temporary file').toBeGreaterThan(-1);
    const syncAt = lines.findIndex((l) => /f(data)?sync\(\d+<[^>]*\.v\.tmp-\d+-[0-9a-f]+\.mp4>\)/.test(l));
    expect(syncAt, 'an fsync of the temporary file').toBeGreaterThan(-1);
    expect(syncAt).toBeLessThan(renameAt);
  });
});
