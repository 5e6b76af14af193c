/**
 * @ppma/bench: downstream evaluation (docs/ARCHITECTURE.md §5 "Downstream", §8): task plugins, the FT and LP
 * protocols with multi-view testing, and the results table and charts.
 */
export { defineTask, classCount, taskProblems } from './task.js';
export type { TaskPlugin, TaskSplits, TaskDefaults } from './task.js';
export { loadPlugin, loadPrivacyPlugin } from './plugin-loader.js';
export type { PluginSpec, LoadPluginOptions } from './plugin-loader.js';
export { availableTasks, resolveTasks } from './registry.js';
export type { TaskSources } from './registry.js';
export {
  paperTasks,
  ucf101Task,
  hmdb51Task,
  miniSsv2Task,
  diving48Task,
  ikeaFaTask,
  uavHumanTask,
} from './tasks/paper-tasks.js';
export { syntheticTasks } from './tasks/synthetic-tasks.js';
export type { SynthTaskEntry } from './tasks/synthetic-tasks.js';
export { readSplitFiles, subsetClasses } from './tasks/split-files.js';
export { BENCH_PRESETS, resolveSettings } from './settings.js';
export type {
  BenchPreset,
  BenchSettings,
  FtSettings,
  LpSettings,
  EvalSettings,
  SettingsOverrides,
} from './settings.js';
export { createFeatureExtractor, extractSplitFeatures, trunkFingerprint } from './features.js';
export { BoundedCache, cachedViewBlock, sharedFeatureMemo, sharedViewCache, viewKey } from './view-cache.js';
export type { FeatureMemo } from './view-cache.js';
export type {
  ExtractOptions,
  FeatureEngine,
  FeatureExtractor,
  SplitFeatures,
  SkippedVideo,
  ViewCache,
} from './features.js';
export { resolveModels, modelForTask } from './models.js';
export type { ModelInput, ModelSpec, BenchModel } from './models.js';
export { linearProbe, evaluateFeatures, headLogits } from './protocols/linear-probe.js';
export type { ProbeResult } from './protocols/linear-probe.js';
export { alignFinetuner, ftHeadName } from './protocols/align-finetune.js';
export type { Finetuner, FinetuneRequest, FinetuneResult } from './protocols/finetune.js';
export { epochCurve } from './protocols/curves.js';
export type { CurvePoint } from './protocols/curves.js';
export { runBenchmark, checkSplits, runSignature, seedList } from './run-benchmark.js';
export type { RunBenchmarkOptions, BenchMode } from './run-benchmark.js';
export { defaultJobs } from './run-pool.js';
export { runFolder } from './run-one.js';
export { writeReport, computeAverages, computeEvidence, DEFAULT_STATISTICS } from './report/results.js';
export type {
  BenchmarkResults,
  RunRecord,
  TaskInfo,
  ModeAverage,
  ReportInput,
  ComparisonRequest,
  StatisticsInfo,
  EvidenceInput,
} from './report/results.js';
export { resultsTable, table1Lines, intervalCell, comparisonLines, perClassTables } from './report/table.js';
export { accuracyChart, curvesChart } from './report/charts.js';
export { confusionChart, confusionCharts } from './report/confusion.js';
export {
  bootstrapAccuracy,
  bootstrapReplicates,
  pairedBootstrap,
  cellAccuracy,
  clipScores,
  quantile,
} from './stats/bootstrap.js';
export type { Correctness, BootstrapOptions, Interval, PairedCells, PairedDifference } from './stats/bootstrap.js';
export { signTest, pairedSignTest, binomialCdf, binomialQuantile } from './stats/sign-test.js';
export type { SignTestResult } from './stats/sign-test.js';
export {
  predictionsTop1,
  cellRuns,
  commonClips,
  correctnessOf,
  summariseCell,
  summariseAverage,
  compareModels,
  comparisonSentence,
  formatP,
  classBreakdown,
} from './stats/evidence.js';
export type { ClipPrediction, ScoredRun, CellSummary, AverageSummary, Comparison } from './stats/evidence.js';
export { prepareRunDir } from './run-one.js';
export {
  definePrivacyTask,
  privacyTaskProblems,
  readAttributeCsv,
  syntheticPrivacyTasks,
} from './privacy/privacy-task.js';
export type {
  PrivacyAttribute,
  PrivacyEntry,
  PrivacyManifest,
  PrivacySplits,
  PrivacyTaskPlugin,
} from './privacy/privacy-task.js';
export { CHANCE, chanceRuns, computeLeakage } from './privacy/leakage.js';
export type { LeakageCell, LeakageEvidence, LeakageSummary, PrivacyRun } from './privacy/leakage.js';
export { runPrivacyProbes } from './privacy/run-privacy.js';
export type { PrivacyResults, RunPrivacyOptions } from './privacy/run-privacy.js';
export { privacyUtilityChart } from './privacy/privacy-chart.js';
export type { PrivacyChartInput } from './privacy/privacy-chart.js';
export { privacySection } from './privacy/privacy-section.js';
export type { PrivacySectionInput, PrivacySectionOptions } from './privacy/privacy-section.js';
