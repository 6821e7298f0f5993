output "deidentify_template_name" {
  description = "Full name of the de-identify template (projects/P/locations/L/deidentifyTemplates/ID), as DLP requests take it."
  value       = "${local.parent}/deidentifyTemplates/${google_data_loss_prevention_deidentify_template.this.template_id}"
}

output "inspect_template_name" {
  description = "Full name of the inspect template (projects/P/locations/L/inspectTemplates/ID)."
  value       = "${local.parent}/inspectTemplates/${google_data_loss_prevention_inspect_template.this.template_id}"
}
