variable "project_id" {
  description = "Project of the bucket."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a Google Cloud project id: 6-30 characters, lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "bucket_name" {
  description = "Globally unique bucket name."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$", var.bucket_name)) && !startswith(var.bucket_name, "goog")
    error_message = "bucket_name must be 3-63 lowercase letters, digits, hyphens or underscores, start and end with a letter or digit, and not start with goog."
  }
}

variable "location" {
  description = "Bucket location; the same region as the CMEK key and the Dataflow job."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.location))
    error_message = "location must be a region such as europe-west1."
  }
}

variable "kms_key_name" {
  description = "CMEK key id used as the bucket's default encryption key."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$", var.kms_key_name))
    error_message = "kms_key_name must be a crypto key id: projects/P/locations/L/keyRings/R/cryptoKeys/K."
  }
}

variable "temp_object_age_days" {
  description = "Delete objects under temp/ after this many days."
  type        = number
  default     = 7
  nullable    = false

  validation {
    condition     = var.temp_object_age_days >= 1 && floor(var.temp_object_age_days) == var.temp_object_age_days
    error_message = "temp_object_age_days must be a whole number of days, at least 1."
  }
}

variable "staging_object_age_days" {
  description = "Delete objects under staging/ after this many days. Must exceed the longest time a job runs without an update, since a running job's workers re-read staged files when they restart."
  type        = number
  default     = 90
  nullable    = false

  validation {
    condition     = var.staging_object_age_days >= 7 && floor(var.staging_object_age_days) == var.staging_object_age_days
    error_message = "staging_object_age_days must be a whole number of days, at least 7."
  }
}

variable "soft_delete_retention_seconds" {
  description = "Soft-delete retention in seconds (0 disables soft delete, or 604800-7776000)."
  type        = number
  default     = 604800
  nullable    = false

  validation {
    condition     = var.soft_delete_retention_seconds == 0 || (var.soft_delete_retention_seconds >= 604800 && var.soft_delete_retention_seconds <= 7776000)
    error_message = "soft_delete_retention_seconds must be 0 or between 604800 (7 days) and 7776000 (90 days)."
  }
}

variable "force_destroy" {
  description = "Let terraform destroy delete a non-empty bucket. Only for throw-away environments."
  type        = bool
  default     = false
  nullable    = false
}

variable "worker_service_account_email" {
  description = "Worker service account (roles/storage.objectAdmin on this bucket)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9-]+@[a-z0-9-]+\\.iam\\.gserviceaccount\\.com$", var.worker_service_account_email))
    error_message = "worker_service_account_email must be a service account email (name@project.iam.gserviceaccount.com)."
  }
}

variable "labels" {
  description = "Labels applied to the bucket."
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
