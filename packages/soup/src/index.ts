/**
 * @ppma/soup: model soups (PPMA §4.5, docs/ARCHITECTURE.md §5 "Soup"): weight averaging with fixed
 * proportions alpha, and a mixing ratio beta learned during a linear probe.
 */
export { averageWeights, checkAlphas, mixTrunks, ALPHA_SUM_TOLERANCE } from './average-weights.js';
export type { SoupResult } from './average-weights.js';
export { readTrunk, checkSameArchitecture } from './trunk-checkpoint.js';
export type { Trunk } from './trunk-checkpoint.js';
export { BetaSoup, betaGroups, betaGroupOf, releaseWeights } from './beta-soup.js';
export type { BetaMode } from './beta-soup.js';
export { learnBeta, proportionsTable } from './learn-beta.js';
export type { LearnBetaOptions, LearnBetaResult, LabelledClips } from './learn-beta.js';
export { learnBetaOnTask, decodeTaskViews } from './beta-on-task.js';
export type { BetaOnTaskOptions, BetaOnTaskResult, TaskViews, ViewBlockLoader } from './beta-on-task.js';
