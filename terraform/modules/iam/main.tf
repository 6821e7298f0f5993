# The Dataflow workers (and the flex-template launcher VM) run as this account.
# Only project-level roles live here, the ones that have no narrower scope;
# access to the subscription, topic, dataset, bucket, repository and keys is
# granted on those resources by their own modules.

locals {
  base_worker_project_roles = [
    "roles/dataflow.worker",               # lease work items, report progress
    "roles/dlp.user",                      # call de-identify / inspect
    "roles/dlp.deidentifyTemplatesReader", # read the de-identify template
    "roles/dlp.inspectTemplatesReader",    # read the inspect template
    "roles/bigquery.jobUser",              # run load/query jobs (replay, erase)
    "roles/monitoring.metricWriter",       # custom metrics
    "roles/logging.logWriter",             # worker logs
  ]

  worker_project_roles = toset(concat(local.base_worker_project_roles, var.additional_project_roles))
}

resource "google_service_account" "worker" {
  project      = var.project_id
  account_id   = var.account_id
  display_name = "tidemark Dataflow worker"
  description  = "Runs the tidemark marketing-events Dataflow job; least-privilege roles only."
}

resource "google_project_iam_member" "worker" {
  for_each = local.worker_project_roles

  project = var.project_id
  role    = each.value
  member  = google_service_account.worker.member
}
