/**
 * The marketing pipeline as it runs on Dataflow: messages from Pub/Sub (read natively), the masker built on
 * each worker from its spec (key from a worker environment variable), rows written to BigQuery.
 */
import { type FnSpec, type Pipeline } from '../../sdk';
import { buildMarketingPipeline } from '../../pipelines/marketing_events';
import { MARKETING_STEPS_MODULE, bigQueryWarehouse, localMaskerFromEnv } from '../../pipelines/marketing_steps';
import { type DataflowJobOptions } from './job_options';
import { pubsubSource } from './pubsub_io';

export function marketingMaskerSpec(o: Pick<DataflowJobOptions, 'keyFileEnv'>): FnSpec {
  return { module: MARKETING_STEPS_MODULE, exportName: 'localMaskerFromEnv', options: { keyFileEnv: o.keyFileEnv } };
}

export function marketingWarehouseSpec(o: Pick<DataflowJobOptions, 'project' | 'dataset'>): FnSpec {
  return { module: MARKETING_STEPS_MODULE, exportName: 'bigQueryWarehouse', options: { project: o.project, dataset: o.dataset } };
}

export function buildMarketingJob(o: DataflowJobOptions): Pipeline {
  const maskerSpec = marketingMaskerSpec(o);
  const warehouseSpec = marketingWarehouseSpec(o);
  return buildMarketingPipeline({
    source: pubsubSource({
      subscription: o.inputSubscription,
      ...(o.timestampAttribute && { timestampAttribute: o.timestampAttribute }),
      ...(o.idAttribute && { idAttribute: o.idAttribute }),
    }),
    // Built lazily: nothing here reads the key or opens BigQuery while the job is only being translated.
    masker: localMaskerFromEnv({ keyFileEnv: o.keyFileEnv }),
    warehouse: bigQueryWarehouse({ project: o.project, dataset: o.dataset }),
    maskerSpec,
    warehouseSpec,
  });
}
