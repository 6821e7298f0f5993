variable "project_id" {
  description = "Project the job runs in."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a Google Cloud project id: 6-30 characters, lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "region" {
  description = "Dataflow regional endpoint (and worker region)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.region))
    error_message = "region must be a region such as europe-west1."
  }
}

variable "job_name" {
  description = "Job name. Dataflow updates a streaming job in place by name, so keep it stable across updates."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z]([-a-z0-9]{0,62}[a-z0-9])?$", var.job_name))
    error_message = "job_name must be 1-64 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen."
  }
}

variable "container_spec_gcs_path" {
  description = "gs:// path of the flex-template spec JSON (written by `gcloud dataflow flex-template build`)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^gs://[a-z0-9][a-z0-9._-]{1,221}[a-z0-9]/.+\\.json$", var.container_spec_gcs_path))
    error_message = "container_spec_gcs_path must be a gs://BUCKET/path.json URL."
  }
}

variable "parameters" {
  description = "Template parameters, passed to the pipeline as --name=value; names must be declared in the template's metadata.json."
  type        = map(string)
  nullable    = false
}

variable "num_workers" {
  description = "Initial number of workers."
  type        = number
  default     = 1
  nullable    = false

  validation {
    condition     = var.num_workers >= 1 && var.num_workers <= 1000 && floor(var.num_workers) == var.num_workers
    error_message = "num_workers must be a whole number from 1 to 1000."
  }
}

variable "max_workers" {
  description = "Upper bound for throughput-based autoscaling."
  type        = number
  default     = 10
  nullable    = false

  validation {
    condition     = var.max_workers >= 1 && var.max_workers <= 1000 && floor(var.max_workers) == var.max_workers
    error_message = "max_workers must be a whole number from 1 to 1000."
  }
}

variable "machine_type" {
  description = "Worker machine type."
  type        = string
  default     = "n2-standard-2"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9]+-[a-z]+(-[0-9]+)?(-[a-z0-9]+)*$", var.machine_type)) && !startswith(var.machine_type, "f1-") && !startswith(var.machine_type, "g1-")
    error_message = "machine_type must be a Compute Engine machine type such as n2-standard-2 (shared-core f1/g1 types are not supported by Dataflow)."
  }
}

variable "launcher_machine_type" {
  description = "Machine type of the short-lived VM that runs the launcher image and submits the job."
  type        = string
  default     = "e2-standard-2"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9]+-[a-z]+(-[0-9]+)?(-[a-z0-9]+)*$", var.launcher_machine_type))
    error_message = "launcher_machine_type must be a Compute Engine machine type such as e2-standard-2."
  }
}

variable "sdk_container_image" {
  description = "Worker (SDK harness) image in Artifact Registry; null uses the image named in the template spec."
  type        = string
  default     = null

  validation {
    condition     = var.sdk_container_image == null || can(regex("^[a-z0-9-]+-docker\\.pkg\\.dev/[^/]+/[^/]+/.+$", var.sdk_container_image))
    error_message = "sdk_container_image must be an Artifact Registry image (REGION-docker.pkg.dev/PROJECT/REPO/IMAGE[:TAG|@DIGEST])."
  }
}

variable "network" {
  description = "VPC network of the workers; null uses the subnetwork's network."
  type        = string
  default     = null
}

variable "subnetwork" {
  description = "Subnetwork of the workers, regions/REGION/subnetworks/NAME or a full URL. With private IPs it must have Private Google Access enabled."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("(^|/)regions/[a-z0-9-]+/subnetworks/[a-z0-9-]+$", var.subnetwork))
    error_message = "subnetwork must be regions/REGION/subnetworks/NAME or a URL ending in it."
  }
}

variable "service_account_email" {
  description = "Worker service account email."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9-]+@[a-z0-9-]+\\.iam\\.gserviceaccount\\.com$", var.service_account_email))
    error_message = "service_account_email must be a service account email (name@project.iam.gserviceaccount.com)."
  }
}

variable "kms_key_name" {
  description = "CMEK key id for the job's state (Streaming Engine, disks, temp data)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$", var.kms_key_name))
    error_message = "kms_key_name must be a crypto key id: projects/P/locations/L/keyRings/R/cryptoKeys/K."
  }
}

variable "temp_location" {
  description = "gs:// temp location."
  type        = string
  nullable    = false

  validation {
    condition     = startswith(var.temp_location, "gs://")
    error_message = "temp_location must be a gs:// URL."
  }
}

variable "staging_location" {
  description = "gs:// staging location."
  type        = string
  nullable    = false

  validation {
    condition     = startswith(var.staging_location, "gs://")
    error_message = "staging_location must be a gs:// URL."
  }
}

variable "additional_experiments" {
  description = "Extra Dataflow experiments."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "transform_name_mapping" {
  description = "On update: old step-name prefix to new step-name prefix, for steps that were renamed (state follows the mapping)."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "labels" {
  description = "Job labels."
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
