# The dataset and every table of schemas/bigquery/tables.json. Table schemas
# are the generated JSON files, passed through verbatim (var.tables comes from
# the config module); nothing about a column is written here.

resource "google_bigquery_dataset" "this" {
  project                    = var.project_id
  dataset_id                 = var.dataset_id
  location                   = var.location
  description                = var.description
  labels                     = var.labels
  delete_contents_on_destroy = false
  max_time_travel_hours      = var.max_time_travel_hours

  default_encryption_configuration {
    kms_key_name = var.kms_key_name
  }
}

resource "google_bigquery_table" "this" {
  for_each = var.tables

  project             = var.project_id
  dataset_id          = google_bigquery_dataset.this.dataset_id
  table_id            = each.key
  description         = each.value.description
  schema              = each.value.schema_json
  clustering          = each.value.clustering
  deletion_protection = var.deletion_protection
  labels              = merge(var.labels, { tier = each.value.tier })

  time_partitioning {
    type          = each.value.partition_type
    field         = each.value.partition_field
    expiration_ms = each.value.partition_expiration_ms
  }

  encryption_configuration {
    kms_key_name = var.kms_key_name
  }

  # Unenforced primary keys: BigQuery does not check them, but the optimizer
  # uses them for joins, and they document the idempotency key of each table.
  dynamic "table_constraints" {
    for_each = length(each.value.primary_key) > 0 ? [each.value.primary_key] : []
    content {
      primary_key {
        columns = table_constraints.value
      }
    }
  }
}

# Dataset-level access (non-authoritative members: access granted outside
# Terraform, e.g. to analysts by a data steward, is left alone).
resource "google_bigquery_dataset_iam_member" "worker" {
  project    = var.project_id
  dataset_id = google_bigquery_dataset.this.dataset_id
  role       = "roles/bigquery.dataEditor"
  member     = "serviceAccount:${var.worker_service_account_email}"
}

resource "google_bigquery_dataset_iam_member" "readers" {
  for_each = toset(var.readers)

  project    = var.project_id
  dataset_id = google_bigquery_dataset.this.dataset_id
  role       = "roles/bigquery.dataViewer"
  member     = each.value
}
