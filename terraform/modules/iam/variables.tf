variable "project_id" {
  description = "Project of the worker service account and its project-level roles."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a Google Cloud project id: 6-30 characters, lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "account_id" {
  description = "Account id (the part before @) of the worker service account."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.account_id))
    error_message = "account_id must be 6-30 characters: lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "additional_project_roles" {
  description = "Extra predefined or custom roles for the worker at project level. Primitive roles (owner, editor, viewer) are refused."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition = alltrue([
      for role in var.additional_project_roles :
      can(regex("^(roles/[a-zA-Z0-9_.]+|projects/[^/]+/roles/[a-zA-Z0-9_.]+|organizations/[0-9]+/roles/[a-zA-Z0-9_.]+)$", role))
      && !contains(["roles/owner", "roles/editor", "roles/viewer"], role)
    ])
    error_message = "additional_project_roles must be predefined (roles/...) or custom roles, never roles/owner, roles/editor or roles/viewer."
  }
}
