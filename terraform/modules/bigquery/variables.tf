variable "project_id" {
  description = "Project of the dataset."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a Google Cloud project id: 6-30 characters, lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "dataset_id" {
  description = "Dataset id (letters, digits, underscores)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z_][A-Za-z0-9_]{0,1023}$", var.dataset_id))
    error_message = "dataset_id must be up to 1024 letters, digits or underscores, not starting with a digit."
  }
}

variable "location" {
  description = "Dataset location; the same region as the CMEK key."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.location))
    error_message = "location must be a region such as europe-west1 (the key ring is regional)."
  }
}

variable "description" {
  description = "Dataset description."
  type        = string
  default     = "tidemark marketing events: masked events, sessions, campaign metrics, user features, dead letters, late events and the privacy audit log."
  nullable    = false
}

variable "kms_key_name" {
  description = "CMEK key id for the dataset default and every table."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$", var.kms_key_name))
    error_message = "kms_key_name must be a crypto key id: projects/P/locations/L/keyRings/R/cryptoKeys/K."
  }
}

variable "tables" {
  description = "Tables keyed by name, as computed by the config module from schemas/bigquery (pass module.config.tables; do not write by hand)."
  type = map(object({
    description             = string
    schema_json             = string
    partition_type          = string
    partition_field         = string
    clustering              = list(string)
    primary_key             = list(string)
    tier                    = string
    partition_expiration_ms = number
  }))
  nullable = false

  validation {
    condition     = length(var.tables) > 0
    error_message = "tables must hold at least one table (module.config.tables)."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete tables on destroy or replacement. Keep true outside throw-away environments."
  type        = bool
  default     = true
  nullable    = false
}

variable "max_time_travel_hours" {
  description = "Time-travel window of the dataset in hours (48-168, a multiple of 24)."
  type        = number
  default     = 168
  nullable    = false

  validation {
    condition     = var.max_time_travel_hours >= 48 && var.max_time_travel_hours <= 168 && var.max_time_travel_hours % 24 == 0
    error_message = "max_time_travel_hours must be 48, 72, 96, 120, 144 or 168."
  }
}

variable "worker_service_account_email" {
  description = "Worker service account that writes the tables (roles/bigquery.dataEditor on the dataset)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9-]+@[a-z0-9-]+\\.iam\\.gserviceaccount\\.com$", var.worker_service_account_email))
    error_message = "worker_service_account_email must be a service account email (name@project.iam.gserviceaccount.com)."
  }
}

variable "readers" {
  description = "IAM members with read access to the dataset (roles/bigquery.dataViewer), e.g. group:analysts@example.com."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for member in var.readers : can(regex("^(user|group|serviceAccount|domain):.+$", member))])
    error_message = "readers must be IAM members: user:, group:, serviceAccount: or domain: followed by the principal."
  }
}

variable "labels" {
  description = "Labels applied to the dataset and tables (tables also get tier = hot|warm|cold)."
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
