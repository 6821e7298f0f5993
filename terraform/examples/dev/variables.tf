variable "project_id" {
  description = "Development project id."
  type        = string
}

variable "region" {
  description = "Region of the development stack."
  type        = string
  default     = "europe-west1"
}

variable "subnetwork" {
  description = "Worker subnetwork with Private Google Access (regions/REGION/subnetworks/NAME)."
  type        = string
}

variable "image_tag" {
  description = "Tag of the launcher and worker images to deploy (e.g. the git short sha)."
  type        = string
}

variable "wrapped_keys" {
  description = "KMS-wrapped pseudonymisation keys by name (empty on the first apply)."
  type        = map(string)
  default     = {}
  sensitive   = true
}

variable "launch_job" {
  description = "Launch the Dataflow job (false on the first apply, before images and keys exist)."
  type        = bool
  default     = false
}

variable "notification_channels" {
  description = "Notification channel ids for the alerts (often empty in dev)."
  type        = list(string)
  default     = []
}
