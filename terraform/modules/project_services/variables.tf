variable "project_id" {
  description = "Project in which the APIs are enabled."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a Google Cloud project id: 6-30 characters, lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "services" {
  description = "Service names to enable, e.g. dataflow.googleapis.com."
  type        = list(string)
  nullable    = false

  validation {
    condition     = alltrue([for service in var.services : can(regex("^[a-z0-9.-]+\\.googleapis\\.com$", service))])
    error_message = "Every service must be a service name ending in .googleapis.com."
  }
}
