/**
 * Thrown while a pipeline is being built, when a transform is used wrongly (a negative session gap, a
 * sliding period longer than its size, grouping an unkeyed collection, ...). The message names the
 * step and says what to do instead, because that is all a user sees.
 */
export class PipelineConstructionError extends Error {
  override readonly name = 'PipelineConstructionError';
}

/** Thrown when a runner finds its own invariant broken (a watermark moving backwards, say): a bug. */
export class RunnerInvariantError extends Error {
  override readonly name = 'RunnerInvariantError';
}
