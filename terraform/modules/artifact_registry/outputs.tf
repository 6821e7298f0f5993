output "repository_url" {
  description = "Docker repository URL (REGION-docker.pkg.dev/PROJECT/REPOSITORY)."
  value       = "${google_artifact_registry_repository.this.location}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.this.repository_id}"
}

output "repository_id" {
  description = "Resource id of the repository."
  value       = google_artifact_registry_repository.this.id
}
