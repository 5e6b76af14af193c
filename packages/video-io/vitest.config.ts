import { packageVitestConfig } from '../../vitest.base.js';

// ffmpeg-installer's packages resolve through the plain Node conditions.
export default packageVitestConfig({
  resolve: { conditions: ['@ppma/source', 'module', 'node', 'import', 'default'] },
  ssr: { resolve: { conditions: ['@ppma/source', 'node', 'import', 'default'] } },
});
