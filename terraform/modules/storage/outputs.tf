output "bucket_name" {
  description = "Name of the staging/temp bucket."
  value       = google_storage_bucket.this.name
}

output "temp_location" {
  description = "Dataflow temp location (gs://BUCKET/temp)."
  value       = "gs://${google_storage_bucket.this.name}/temp"
}

output "staging_location" {
  description = "Dataflow staging location (gs://BUCKET/staging)."
  value       = "gs://${google_storage_bucket.this.name}/staging"
}

output "templates_prefix" {
  description = "Where flex-template specs are written (gs://BUCKET/templates)."
  value       = "gs://${google_storage_bucket.this.name}/templates"
}
