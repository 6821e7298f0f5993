export { DirectRunner, runPipeline } from './direct_runner';
export type { DirectRunnerOptions, PipelineResult, RunProgress, StepMetrics } from './direct_runner';
export { InMemoryStateBackend } from './state';
export type { StateBackend, StateTable } from './state';
export { StepFailedError } from './executor';
