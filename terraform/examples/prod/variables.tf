variable "project_id" {
  description = "Production project id."
  type        = string
}

variable "region" {
  description = "Region of the production stack."
  type        = string
  default     = "europe-west1"
}

variable "subnetwork" {
  description = "Worker subnetwork with Private Google Access (regions/REGION/subnetworks/NAME)."
  type        = string
}

variable "image_tag" {
  description = "Release tag of the launcher and worker images."
  type        = string
}

variable "wrapped_keys" {
  description = "KMS-wrapped pseudonymisation keys by name."
  type        = map(string)
  sensitive   = true
}

variable "dataset_readers" {
  description = "IAM members that may read the dataset (e.g. group:marketing-analysts@example.com)."
  type        = list(string)
  default     = []
}

variable "notification_channels" {
  description = "On-call notification channel ids."
  type        = list(string)
}

variable "transform_name_mapping" {
  description = "Old to new step-name prefixes for an update that renames steps."
  type        = map(string)
  default     = {}
}
