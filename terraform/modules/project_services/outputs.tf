output "enabled_services" {
  description = "The services enabled by this module (depend on this output to order resources after API enablement)."
  value       = [for service in google_project_service.this : service.service]
}
