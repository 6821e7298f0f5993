# ---------------------------------------------------------------------------
# Where and what
# ---------------------------------------------------------------------------

variable "project_id" {
  description = "Google Cloud project that holds the whole stack."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a Google Cloud project id: 6-30 characters, lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "region" {
  description = "Region of every regional resource: key ring, dataset, bucket, repository, Pub/Sub storage, DLP templates and the Dataflow job. One region keeps CMEK keys next to the data they protect and traffic in-region."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.region))
    error_message = "region must be a region such as europe-west1 (multi-regions such as EU need a multi-region key ring, which this stack does not create)."
  }
}

variable "environment" {
  description = "Environment name (dev, staging, prod, ...); part of every resource name and a label."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.environment))
    error_message = "environment must be 2-10 lowercase letters or digits, starting with a letter."
  }
}

variable "name_prefix" {
  description = "Prefix of every resource name; names are <prefix>-<environment>-<part>."
  type        = string
  default     = "tidemark"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,10}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 3-12 lowercase letters, digits or hyphens, starting with a letter (the worker account id <prefix>-<environment>-worker must fit in 30 characters)."
  }
}

variable "labels" {
  description = "Extra labels on every resource that takes labels (app and environment are always set)."
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

variable "enable_apis" {
  description = "Enable the Google APIs the stack uses. Turn off where a platform team manages APIs."
  type        = bool
  default     = true
  nullable    = false
}

# ---------------------------------------------------------------------------
# Inputs from the rest of the project (read, never copied)
# ---------------------------------------------------------------------------

variable "schemas_dir" {
  description = "Directory of the generated BigQuery schema files (tables.json and one JSON per table). Null: schemas/bigquery of this repository."
  type        = string
  default     = null
}

variable "deidentify_config_path" {
  description = "Path of the masking configuration (Cloud DLP JSON shape). Null: config/deidentify.json of this repository."
  type        = string
  default     = null
}

# ---------------------------------------------------------------------------
# Cloud KMS
# ---------------------------------------------------------------------------

variable "kms_rotation_period" {
  description = "Rotation period of every key, seconds with an 's' suffix (default 90 days)."
  type        = string
  default     = "7776000s"
  nullable    = false

  validation {
    condition     = can(regex("^[0-9]+s$", var.kms_rotation_period)) && try(tonumber(trimsuffix(var.kms_rotation_period, "s")) >= 86400, false)
    error_message = "kms_rotation_period must be seconds with an 's' suffix, at least 86400s."
  }
}

variable "kms_protection_level" {
  description = "Protection level of key versions: SOFTWARE or HSM."
  type        = string
  default     = "SOFTWARE"
  nullable    = false

  validation {
    condition     = contains(["SOFTWARE", "HSM"], var.kms_protection_level)
    error_message = "kms_protection_level must be SOFTWARE or HSM."
  }
}

variable "wrapped_keys" {
  description = "KMS-wrapped pseudonymisation keys by the transient key name used in the masking configuration (tidemark-user-key, tidemark-pseudonym-key), base64. Wrap each with the <prefix>-<env>-pseudonymisation key (output pseudonymisation_kms_key_id); see README. Empty on the first apply, which then stops before the DLP templates with a message naming the missing keys."
  type        = map(string)
  default     = {}
  sensitive   = true
  nullable    = false
}

# ---------------------------------------------------------------------------
# Pub/Sub
# ---------------------------------------------------------------------------

variable "pubsub" {
  description = "Input subscription settings: ack_deadline_seconds, message_retention_duration (subscription), topic_message_retention_duration, enable_exactly_once_delivery, max_delivery_attempts (before dead-lettering)."
  type = object({
    ack_deadline_seconds             = optional(number, 60)
    message_retention_duration       = optional(string, "604800s")
    topic_message_retention_duration = optional(string, "604800s")
    enable_exactly_once_delivery     = optional(bool, false)
    max_delivery_attempts            = optional(number, 10)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.pubsub.ack_deadline_seconds >= 10 && var.pubsub.ack_deadline_seconds <= 600
    error_message = "pubsub.ack_deadline_seconds must be from 10 to 600."
  }

  validation {
    condition     = var.pubsub.max_delivery_attempts >= 5 && var.pubsub.max_delivery_attempts <= 100
    error_message = "pubsub.max_delivery_attempts must be from 5 to 100."
  }
}

# ---------------------------------------------------------------------------
# BigQuery
# ---------------------------------------------------------------------------

variable "dataset_id" {
  description = "BigQuery dataset id. Null: <prefix>_<environment> with hyphens as underscores."
  type        = string
  default     = null

  validation {
    condition     = var.dataset_id == null || can(regex("^[A-Za-z_][A-Za-z0-9_]{0,1023}$", var.dataset_id))
    error_message = "dataset_id must be letters, digits or underscores, not starting with a digit."
  }
}

variable "table_tiers" {
  description = "Storage tier per table (hot: short-lived operational data; warm: analytics; cold: kept until deleted). Tables not named get warm."
  type        = map(string)
  default = {
    dead_letter   = "hot"
    late_events   = "hot"
    user_features = "cold"
    audit_log     = "cold"
  }
  nullable = false

  validation {
    condition     = alltrue([for tier in values(var.table_tiers) : contains(["hot", "warm", "cold"], tier)])
    error_message = "table_tiers values must be hot, warm or cold."
  }
}

variable "tier_partition_expiration_days" {
  description = "Partition expiration per tier in days; null = never. Defaults: hot 30, warm 395 (13 months: year-over-year comparisons), cold never (the audit log and latest user features must not age out)."
  type = object({
    hot  = optional(number, 30)
    warm = optional(number, 395)
    cold = optional(number)
  })
  default  = {}
  nullable = false
}

variable "bigquery_deletion_protection" {
  description = "Refuse to delete tables. Keep true in production."
  type        = bool
  default     = true
  nullable    = false
}

variable "dataset_readers" {
  description = "IAM members granted read access to the dataset, e.g. group:marketing-analysts@example.com."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for member in var.dataset_readers : can(regex("^(user|group|serviceAccount|domain):.+$", member))])
    error_message = "dataset_readers must be IAM members: user:, group:, serviceAccount: or domain: followed by the principal."
  }
}

# ---------------------------------------------------------------------------
# Storage and images
# ---------------------------------------------------------------------------

variable "bucket_name" {
  description = "Staging/temp bucket name (globally unique). Null: <project_id>-<prefix>-<environment>-dataflow."
  type        = string
  default     = null

  validation {
    condition     = var.bucket_name == null || can(regex("^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be 3-63 lowercase letters, digits, hyphens or underscores."
  }
}

variable "bucket_force_destroy" {
  description = "Let destroy delete a non-empty bucket (throw-away environments only)."
  type        = bool
  default     = false
  nullable    = false
}

variable "temp_object_age_days" {
  description = "Days before objects under temp/ are deleted."
  type        = number
  default     = 7
  nullable    = false

  validation {
    condition     = var.temp_object_age_days >= 1
    error_message = "temp_object_age_days must be at least 1."
  }
}

variable "image_tag" {
  description = "Tag of the launcher and worker images in Artifact Registry (a release version or git sha; tags are immutable in the repository)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.image_tag)) && var.image_tag != "latest"
    error_message = "image_tag must be a Docker tag other than latest (an update must name the image it deploys)."
  }
}

variable "artifact_registry_immutable_tags" {
  description = "Make image tags immutable in the repository."
  type        = bool
  default     = true
  nullable    = false
}

# ---------------------------------------------------------------------------
# Dataflow
# ---------------------------------------------------------------------------

variable "launch_job" {
  description = "Launch the Dataflow job. False on the first apply of a new environment: create everything else, push the images and build the template spec, then apply again with true."
  type        = bool
  default     = true
  nullable    = false
}

variable "container_spec_gcs_path" {
  description = "gs:// path of the flex-template spec. Null: gs://<bucket>/templates/marketing-events-<image_tag>.json, where the README's build step writes it."
  type        = string
  default     = null

  validation {
    condition     = var.container_spec_gcs_path == null || can(regex("^gs://.+\\.json$", var.container_spec_gcs_path))
    error_message = "container_spec_gcs_path must be a gs://BUCKET/path.json URL."
  }
}

variable "subnetwork" {
  description = "Subnetwork of the Dataflow workers (regions/REGION/subnetworks/NAME or URL). Workers have private IPs only, so it needs Private Google Access."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("(^|/)regions/[a-z0-9-]+/subnetworks/[a-z0-9-]+$", var.subnetwork))
    error_message = "subnetwork must be regions/REGION/subnetworks/NAME or a URL ending in it."
  }
}

variable "network" {
  description = "VPC network of the workers; null lets Dataflow take it from the subnetwork."
  type        = string
  default     = null
}

variable "machine_type" {
  description = "Worker machine type."
  type        = string
  default     = "n2-standard-2"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9]+-[a-z]+(-[0-9]+)?(-[a-z0-9]+)*$", var.machine_type)) && !startswith(var.machine_type, "f1-") && !startswith(var.machine_type, "g1-")
    error_message = "machine_type must be a Compute Engine machine type such as n2-standard-2 (not shared-core f1/g1)."
  }
}

variable "num_workers" {
  description = "Initial number of workers (autoscaling starts here)."
  type        = number
  default     = 1
  nullable    = false

  validation {
    condition     = var.num_workers >= 1 && var.num_workers <= 1000 && floor(var.num_workers) == var.num_workers
    error_message = "num_workers must be a whole number from 1 to 1000."
  }
}

variable "max_workers" {
  description = "Maximum workers for THROUGHPUT_BASED autoscaling; also bounds cost."
  type        = number
  default     = 10
  nullable    = false

  validation {
    condition     = var.max_workers >= 1 && var.max_workers <= 1000 && floor(var.max_workers) == var.max_workers
    error_message = "max_workers must be a whole number from 1 to 1000."
  }
}

variable "additional_experiments" {
  description = "Extra Dataflow experiments for the job."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "transform_name_mapping" {
  description = "For an update that renames steps: old step-name prefix to new one, so their state carries over."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "extra_template_parameters" {
  description = "Template parameters beyond the ones this module sets (see locals.template_parameters in main.tf); they may not override those."
  type        = map(string)
  default     = {}
  nullable    = false
}

# ---------------------------------------------------------------------------
# Monitoring
# ---------------------------------------------------------------------------

variable "notification_channels" {
  description = "Notification channel ids (projects/P/notificationChannels/ID) for every alert."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for channel in var.notification_channels : can(regex("^projects/[^/]+/notificationChannels/[^/]+$", channel))])
    error_message = "notification_channels must be ids of the form projects/PROJECT/notificationChannels/ID."
  }
}

variable "alert_thresholds" {
  description = "Alert thresholds (see modules/monitoring): system_lag_seconds, data_freshness_seconds, backlog_age_seconds, dead_letter_per_second, dlp_errors_per_second, duration."
  type = object({
    system_lag_seconds     = optional(number, 300)
    data_freshness_seconds = optional(number, 600)
    backlog_age_seconds    = optional(number, 900)
    dead_letter_per_second = optional(number, 1)
    dlp_errors_per_second  = optional(number, 0.1)
    duration               = optional(string, "300s")
  })
  default  = {}
  nullable = false
}
