variable "project_id" {
  description = "Project that holds the key ring."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a Google Cloud project id: 6-30 characters, lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "location" {
  description = "Key ring location. CMEK keys must be in the same location as the data they protect, so this is the stack's region."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.location))
    error_message = "location must be a region such as europe-west1 (the stack is regional)."
  }
}

variable "key_ring_name" {
  description = "Name of the key ring. Key rings cannot be deleted, so a name can never be reused in the same project and location."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,63}$", var.key_ring_name))
    error_message = "key_ring_name must be 1-63 letters, digits, hyphens or underscores."
  }
}

variable "key_name_prefix" {
  description = "Prefix of every crypto key name (<prefix>-bigquery, <prefix>-pubsub, ..., <prefix>-pseudonymisation)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,40}$", var.key_name_prefix))
    error_message = "key_name_prefix must be 1-40 letters, digits, hyphens or underscores."
  }
}

variable "rotation_period" {
  description = "Automatic rotation period of every key, in seconds with an 's' suffix (e.g. 7776000s = 90 days). A new primary version is created each period; older versions stay enabled, so existing data remains readable."
  type        = string
  default     = "7776000s"
  nullable    = false

  validation {
    condition     = can(regex("^[0-9]+s$", var.rotation_period)) && try(tonumber(trimsuffix(var.rotation_period, "s")) >= 86400, false)
    error_message = "rotation_period must be a number of seconds with an 's' suffix, at least 86400s (one day, the Cloud KMS minimum)."
  }
}

variable "protection_level" {
  description = "Protection level of new key versions: SOFTWARE or HSM."
  type        = string
  default     = "SOFTWARE"
  nullable    = false

  validation {
    condition     = contains(["SOFTWARE", "HSM"], var.protection_level)
    error_message = "protection_level must be SOFTWARE or HSM."
  }
}

variable "worker_service_account_email" {
  description = "Email of the Dataflow worker service account; it may use the Dataflow key and unwrap the pseudonymisation key."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9-]+@[a-z0-9-]+\\.iam\\.gserviceaccount\\.com$", var.worker_service_account_email))
    error_message = "worker_service_account_email must be a service account email (name@project.iam.gserviceaccount.com)."
  }
}

variable "labels" {
  description = "Labels applied to every key."
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
