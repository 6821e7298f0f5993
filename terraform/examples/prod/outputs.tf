output "input_topic_id" {
  description = "Topic producers publish to."
  value       = module.tidemark.input_topic_id
}

output "dataflow_job_id" {
  description = "Running Dataflow job id."
  value       = module.tidemark.dataflow_job_id
}

output "dataset_id" {
  description = "BigQuery dataset with the pipeline's tables."
  value       = module.tidemark.dataset_id
}

output "template_parameters" {
  description = "Parameters the job was launched with."
  value       = module.tidemark.template_parameters
}
