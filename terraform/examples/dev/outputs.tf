output "input_topic_id" {
  description = "Publish test events here (tidemark publish --topic ...)."
  value       = module.tidemark.input_topic_id
}

output "pseudonymisation_kms_key_id" {
  description = "Wrap the pseudonymisation keys with this key."
  value       = module.tidemark.pseudonymisation_kms_key_id
}

output "launcher_image" {
  description = "Push the launcher image here."
  value       = module.tidemark.launcher_image
}

output "worker_image" {
  description = "Push the worker image here."
  value       = module.tidemark.worker_image
}

output "container_spec_gcs_path" {
  description = "Write the flex-template spec here."
  value       = module.tidemark.container_spec_gcs_path
}

output "dataset_id" {
  description = "BigQuery dataset with the pipeline's tables."
  value       = module.tidemark.dataset_id
}
