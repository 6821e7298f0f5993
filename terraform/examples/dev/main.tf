# A small, cheap development environment: one worker that may grow to three,
# software keys, tables and bucket that can be destroyed, no alert routing.

provider "google" {
  project = var.project_id
  region  = var.region
}

provider "google-beta" {
  project = var.project_id
  region  = var.region
}

module "tidemark" {
  source = "../.."

  project_id  = var.project_id
  region      = var.region
  environment = "dev"
  subnetwork  = var.subnetwork
  image_tag   = var.image_tag

  wrapped_keys = var.wrapped_keys
  launch_job   = var.launch_job

  num_workers  = 1
  max_workers  = 3
  machine_type = "n2-standard-2"

  bigquery_deletion_protection     = false
  bucket_force_destroy             = true
  artifact_registry_immutable_tags = false

  tier_partition_expiration_days = {
    hot  = 7
    warm = 30
    cold = 90
  }

  pubsub = {
    enable_exactly_once_delivery = true # lets `tidemark run --source pubsub` be tried against dev
  }

  notification_channels = var.notification_channels
}
