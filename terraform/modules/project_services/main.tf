# disable_on_destroy = false: other workloads in the project may use the same
# APIs, and disabling an API on destroy would break them.
resource "google_project_service" "this" {
  for_each = toset(var.services)

  project                    = var.project_id
  service                    = each.value
  disable_on_destroy         = false
  disable_dependent_services = false
}
