variable "project_id" {
  description = "Project of the repository."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a Google Cloud project id: 6-30 characters, lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "location" {
  description = "Repository location; the region of the job (image pulls stay in-region) and of the CMEK key."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.location))
    error_message = "location must be a region such as europe-west1."
  }
}

variable "repository_id" {
  description = "Repository id."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$", var.repository_id))
    error_message = "repository_id must be 1-63 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "kms_key_name" {
  description = "CMEK key id for the repository."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$", var.kms_key_name))
    error_message = "kms_key_name must be a crypto key id: projects/P/locations/L/keyRings/R/cryptoKeys/K."
  }
}

variable "immutable_tags" {
  description = "Refuse to move a tag to another image. On in production, so a tag in a job always means the same image."
  type        = bool
  default     = true
  nullable    = false
}

variable "keep_recent_versions" {
  description = "Versions of each image kept regardless of age."
  type        = number
  default     = 10
  nullable    = false

  validation {
    condition     = var.keep_recent_versions >= 2 && floor(var.keep_recent_versions) == var.keep_recent_versions
    error_message = "keep_recent_versions must be a whole number, at least 2 (the running image and the one before it)."
  }
}

variable "worker_service_account_email" {
  description = "Worker service account (roles/artifactregistry.reader on the repository)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9-]+@[a-z0-9-]+\\.iam\\.gserviceaccount\\.com$", var.worker_service_account_email))
    error_message = "worker_service_account_email must be a service account email (name@project.iam.gserviceaccount.com)."
  }
}

variable "labels" {
  description = "Labels applied to the repository."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition = alltrue([
      for key, value in var.labels :
      can(regex("^[a-z][a-z0-9_-]{0,62}$", key)) && can(regex("^[a-z0-9_-]{0,63}$", value))
    ])
    error_message = "Label keys must be 1-63 lowercase letters, digits, _ or - starting with a letter; values up to 63 of the same characters."
  }
}
