# Docker repository for the flex-template launcher image and the worker
# (SDK harness) image. Cleanup policies keep storage cost bounded without ever
# removing the most recent images a running job may need on a worker restart.

resource "google_artifact_registry_repository" "this" {
  project       = var.project_id
  location      = var.location
  repository_id = var.repository_id
  description   = "tidemark Dataflow flex-template launcher and worker images"
  format        = "DOCKER"
  kms_key_name  = var.kms_key_name
  labels        = var.labels

  cleanup_policy_dry_run = false

  docker_config {
    immutable_tags = var.immutable_tags
  }

  cleanup_policies {
    id     = "keep-recent-versions"
    action = "KEEP"
    most_recent_versions {
      keep_count = var.keep_recent_versions
    }
  }

  cleanup_policies {
    id     = "delete-old-untagged"
    action = "DELETE"
    condition {
      tag_state  = "UNTAGGED"
      older_than = "1209600s"
    }
  }
}

# The launcher VM and the workers pull images as the worker service account.
resource "google_artifact_registry_repository_iam_member" "worker_reader" {
  project    = var.project_id
  location   = google_artifact_registry_repository.this.location
  repository = google_artifact_registry_repository.this.name
  role       = "roles/artifactregistry.reader"
  member     = "serviceAccount:${var.worker_service_account_email}"
}
