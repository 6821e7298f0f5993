# Production: HSM keys, deletion protection, immutable image tags, room to
# autoscale, and every alert routed to the on-call channels.

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
  environment = "prod"
  subnetwork  = var.subnetwork
  image_tag   = var.image_tag

  wrapped_keys = var.wrapped_keys
  launch_job   = true

  num_workers  = 2
  max_workers  = 20
  machine_type = "n2-standard-4"

  kms_protection_level = "HSM"
  kms_rotation_period  = "7776000s"

  bigquery_deletion_protection     = true
  bucket_force_destroy             = false
  artifact_registry_immutable_tags = true
  dataset_readers                  = var.dataset_readers

  pubsub = {
    ack_deadline_seconds  = 120
    max_delivery_attempts = 20
  }

  notification_channels = var.notification_channels
  alert_thresholds = {
    system_lag_seconds     = 180
    data_freshness_seconds = 600
    backlog_age_seconds    = 600
  }

  transform_name_mapping = var.transform_name_mapping
}
