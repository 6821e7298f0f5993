output "email" {
  description = "Email of the worker service account."
  value       = google_service_account.worker.email
}

output "member" {
  description = "IAM member string of the worker service account (serviceAccount:...)."
  value       = google_service_account.worker.member
}

output "project_roles" {
  description = "Project-level roles granted to the worker."
  value       = sort([for grant in google_project_iam_member.worker : grant.role])
}
