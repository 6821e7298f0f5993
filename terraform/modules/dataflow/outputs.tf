output "job_id" {
  description = "Dataflow job id."
  value       = google_dataflow_flex_template_job.this.job_id
}

output "job_name" {
  description = "Dataflow job name."
  value       = google_dataflow_flex_template_job.this.name
}

output "state" {
  description = "Job state at the last refresh."
  value       = google_dataflow_flex_template_job.this.state
}
