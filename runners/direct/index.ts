export { DirectRunner, runPipeline } from './direct_runner';
export type {
  CheckpointOptions,
  DirectRunnerOptions,
  PipelineResult,
  RunProgress,
  SpillOptions,
  StepMetrics,
} from './direct_runner';
export { InMemoryStateBackend } from './state';
export type { StateBackend, StateTable } from './state';
export { StepFailedError } from './executor';
export { CheckpointError, FileCheckpointStore } from './checkpoint_store';
export type { Checkpoint, CheckpointStore } from './checkpoint_store';
