/**
 * The registry of benchmark sections, in the order `npm run bench` runs them. Adding a section is one new file in
 * this folder plus one entry here (pipeline, pii, pubsub, bigquery are expected next; see DESIGN.md "Benchmarks").
 */
import type { Section } from '../section';
import { bigquerySection } from './bigquery';
import { piiSection } from './pii';
import { pipelineSection } from './pipeline';
import { pubsubSection } from './pubsub';
import { runnerSection } from './runner';
import { sessionsSection } from './sessions';

export const SECTIONS: readonly Section[] = [
  runnerSection,
  sessionsSection,
  pipelineSection,
  piiSection,
  pubsubSection,
  bigquerySection,
];
