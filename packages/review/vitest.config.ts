import { packageVitestConfig } from '../../vitest.base.js';

export default packageVitestConfig();
