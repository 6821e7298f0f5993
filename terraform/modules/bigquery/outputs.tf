output "dataset_id" {
  description = "Dataset id (short form)."
  value       = google_bigquery_dataset.this.dataset_id
}

output "dataset_resource_id" {
  description = "Dataset resource id (projects/P/datasets/D)."
  value       = google_bigquery_dataset.this.id
}

output "table_ids" {
  description = "Table resource id per table name."
  value       = { for name, table in google_bigquery_table.this : name => table.id }
}
