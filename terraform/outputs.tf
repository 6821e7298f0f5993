output "worker_service_account_email" {
  description = "Email of the Dataflow worker service account."
  value       = module.iam.email
}

output "input_topic_id" {
  description = "Topic producers publish marketing events to (projects/P/topics/T)."
  value       = module.pubsub.topic_id
}

output "input_subscription_id" {
  description = "Subscription the pipeline reads (projects/P/subscriptions/S)."
  value       = module.pubsub.subscription_id
}

output "dead_letter_topic_id" {
  description = "Dead-letter topic."
  value       = module.pubsub.dead_letter_topic_id
}

output "dead_letter_subscription_id" {
  description = "Subscription that keeps dead letters for inspection or replay."
  value       = module.pubsub.dead_letter_subscription_id
}

output "dataset_id" {
  description = "BigQuery dataset id."
  value       = module.bigquery.dataset_id
}

output "table_ids" {
  description = "BigQuery table id per table name (one per table in schemas/bigquery/tables.json)."
  value       = module.bigquery.table_ids
}

output "bucket_name" {
  description = "Staging/temp/templates bucket."
  value       = module.storage.bucket_name
}

output "container_spec_gcs_path" {
  description = "Where the flex-template spec must be (the README's build step writes it there)."
  value       = local.container_spec_gcs_path
}

output "launcher_image" {
  description = "Flex-template launcher image the spec must name (build and push before launching)."
  value       = local.launcher_image
}

output "worker_image" {
  description = "Worker (SDK harness) image the job runs (build and push before launching)."
  value       = local.worker_image
}

output "kms_key_ring_id" {
  description = "Key ring of every CMEK key and of the pseudonymisation key."
  value       = module.kms.key_ring_id
}

output "cmek_key_ids" {
  description = "CMEK key id per service (bigquery, pubsub, storage, artifact_registry, dataflow)."
  value       = module.kms.cmek_key_ids
}

output "pseudonymisation_kms_key_id" {
  description = "KMS key to wrap the pseudonymisation keys with (gcloud kms encrypt --key ...)."
  value       = module.kms.pseudonymisation_key_id
}

output "deidentify_template_name" {
  description = "Full name of the DLP de-identify template; null until wrapped_keys is set."
  value       = local.dlp_ready ? module.dlp[0].deidentify_template_name : null
}

output "inspect_template_name" {
  description = "Full name of the DLP inspect template; null until wrapped_keys is set."
  value       = local.dlp_ready ? module.dlp[0].inspect_template_name : null
}

output "template_parameters" {
  description = "The flex-template parameters the job is launched with (names must match the template's metadata.json)."
  value       = merge(var.extra_template_parameters, local.template_parameters)
}

output "dataflow_job_id" {
  description = "Dataflow job id; null while launch_job is false."
  value       = var.launch_job ? module.dataflow[0].job_id : null
}

output "dataflow_job_name" {
  description = "Dataflow job name (stable across updates)."
  value       = "${local.name}-marketing-events"
}

output "alert_policy_ids" {
  description = "Alert policy id by alert."
  value       = module.monitoring.alert_policy_ids
}
