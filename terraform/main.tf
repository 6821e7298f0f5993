# tidemark on Google Cloud: Pub/Sub in, Dataflow (flex template, autoscaled,
# Streaming Engine) in the middle with Cloud DLP masking, BigQuery out; every
# store encrypted with its own CMEK key; one least-privilege worker identity.
#
# Order of creation: APIs -> worker service account -> KMS keys and their
# grants -> Pub/Sub, BigQuery, bucket, Artifact Registry, DLP templates ->
# Dataflow job -> alerts.

locals {
  name = "${var.name_prefix}-${var.environment}"

  labels = merge(var.labels, {
    app         = var.name_prefix
    environment = var.environment
  })

  schemas_dir            = coalesce(var.schemas_dir, "${path.module}/../schemas/bigquery")
  deidentify_config_path = coalesce(var.deidentify_config_path, "${path.module}/../config/deidentify.json")

  dataset_id  = coalesce(var.dataset_id, replace("${var.name_prefix}_${var.environment}", "-", "_"))
  bucket_name = coalesce(var.bucket_name, "${var.project_id}-${local.name}-dataflow")

  services = [
    "artifactregistry.googleapis.com",
    "bigquery.googleapis.com",
    "bigquerystorage.googleapis.com",
    "cloudkms.googleapis.com",
    "compute.googleapis.com",
    "dataflow.googleapis.com",
    "dlp.googleapis.com",
    "iam.googleapis.com",
    "logging.googleapis.com",
    "monitoring.googleapis.com",
    "pubsub.googleapis.com",
    "storage.googleapis.com",
  ]

  # DLP templates need the wrapped keys, which need the KMS key this stack
  # creates: on the very first apply they do not exist yet.
  dlp_ready = length(nonsensitive(keys(var.wrapped_keys))) > 0

  launcher_image          = "${module.artifact_registry.repository_url}/marketing-events-launcher:${var.image_tag}"
  worker_image            = "${module.artifact_registry.repository_url}/marketing-events-worker:${var.image_tag}"
  container_spec_gcs_path = coalesce(var.container_spec_gcs_path, "${module.storage.templates_prefix}/marketing-events-${var.image_tag}.json")

  # The flex-template parameters: the one place their names are written. They
  # must match runners/dataflow/flex_template/metadata.json (the test suite
  # checks this whenever that file exists).
  template_parameters = {
    input_subscription = module.pubsub.subscription_id
    dataset            = module.bigquery.dataset_id
    project            = var.project_id
    region             = var.region
    deidentify_config  = local.dlp_ready ? module.dlp[0].deidentify_template_name : ""
    dead_letter_topic  = module.pubsub.dead_letter_topic_id
    temp_location      = module.storage.temp_location
    max_workers        = tostring(var.max_workers)
  }

  overridden_parameters = setintersection(keys(var.extra_template_parameters), keys(local.template_parameters))
}

module "project_services" {
  source = "./modules/project_services"
  count  = var.enable_apis ? 1 : 0

  project_id = var.project_id
  services   = local.services
}

module "config" {
  source = "./modules/config"

  schemas_dir                    = local.schemas_dir
  deidentify_config_path         = local.deidentify_config_path
  table_tiers                    = var.table_tiers
  tier_partition_expiration_days = var.tier_partition_expiration_days
}

module "iam" {
  source = "./modules/iam"

  project_id = var.project_id
  account_id = "${local.name}-worker"

  depends_on = [module.project_services]
}

module "kms" {
  source = "./modules/kms"

  project_id                   = var.project_id
  location                     = var.region
  key_ring_name                = local.name
  key_name_prefix              = local.name
  rotation_period              = var.kms_rotation_period
  protection_level             = var.kms_protection_level
  worker_service_account_email = module.iam.email
  labels                       = local.labels

  depends_on = [module.project_services]
}

module "pubsub" {
  source = "./modules/pubsub"

  project_id                              = var.project_id
  topic_name                              = "${local.name}-events"
  subscription_name                       = "${local.name}-events-pipeline"
  dead_letter_topic_name                  = "${local.name}-dead-letter"
  kms_key_name                            = module.kms.cmek_key_ids["pubsub"]
  allowed_persistence_regions             = [var.region]
  ack_deadline_seconds                    = var.pubsub.ack_deadline_seconds
  subscription_message_retention_duration = var.pubsub.message_retention_duration
  topic_message_retention_duration        = var.pubsub.topic_message_retention_duration
  enable_exactly_once_delivery            = var.pubsub.enable_exactly_once_delivery
  max_delivery_attempts                   = var.pubsub.max_delivery_attempts
  pubsub_service_agent_email              = module.kms.service_agents["pubsub"]
  worker_service_account_email            = module.iam.email
  labels                                  = local.labels

  # The Pub/Sub service agent must be able to use the key before a topic is
  # created with it.
  depends_on = [module.kms]
}

module "bigquery" {
  source = "./modules/bigquery"

  project_id                   = var.project_id
  dataset_id                   = local.dataset_id
  location                     = var.region
  kms_key_name                 = module.kms.cmek_key_ids["bigquery"]
  tables                       = module.config.tables
  deletion_protection          = var.bigquery_deletion_protection
  worker_service_account_email = module.iam.email
  readers                      = var.dataset_readers
  labels                       = local.labels

  depends_on = [module.kms]
}

module "storage" {
  source = "./modules/storage"

  project_id                   = var.project_id
  bucket_name                  = local.bucket_name
  location                     = var.region
  kms_key_name                 = module.kms.cmek_key_ids["storage"]
  temp_object_age_days         = var.temp_object_age_days
  force_destroy                = var.bucket_force_destroy
  worker_service_account_email = module.iam.email
  labels                       = local.labels

  depends_on = [module.kms]
}

module "artifact_registry" {
  source = "./modules/artifact_registry"

  project_id                   = var.project_id
  location                     = var.region
  repository_id                = local.name
  kms_key_name                 = module.kms.cmek_key_ids["artifact_registry"]
  immutable_tags               = var.artifact_registry_immutable_tags
  worker_service_account_email = module.iam.email
  labels                       = local.labels

  depends_on = [module.kms]
}

module "dlp" {
  source = "./modules/dlp"
  count  = local.dlp_ready ? 1 : 0

  project_id         = var.project_id
  location           = var.region
  template_id_prefix = local.name
  deidentify         = module.config.deidentify
  inspect            = module.config.inspect
  crypto_key_names   = module.config.crypto_key_names
  wrapped_keys       = var.wrapped_keys
  kms_key_name       = module.kms.pseudonymisation_key_id

  depends_on = [module.kms]
}

module "dataflow" {
  source = "./modules/dataflow"
  count  = var.launch_job ? 1 : 0

  project_id              = var.project_id
  region                  = var.region
  job_name                = "${local.name}-marketing-events"
  container_spec_gcs_path = local.container_spec_gcs_path
  parameters              = merge(var.extra_template_parameters, local.template_parameters)
  num_workers             = var.num_workers
  max_workers             = var.max_workers
  machine_type            = var.machine_type
  sdk_container_image     = local.worker_image
  network                 = var.network
  subnetwork              = var.subnetwork
  service_account_email   = module.iam.email
  kms_key_name            = module.kms.cmek_key_ids["dataflow"]
  temp_location           = module.storage.temp_location
  staging_location        = module.storage.staging_location
  additional_experiments  = var.additional_experiments
  transform_name_mapping  = var.transform_name_mapping
  labels                  = local.labels

  # Everything the job touches must exist, with its grants, before launch.
  depends_on = [module.iam, module.kms, module.pubsub, module.bigquery, module.storage, module.artifact_registry, module.dlp]
}

module "monitoring" {
  source = "./modules/monitoring"

  project_id             = var.project_id
  display_prefix         = local.name
  job_name               = "${local.name}-marketing-events"
  subscription_name      = module.pubsub.subscription_name
  dead_letter_topic_name = module.pubsub.dead_letter_topic_name
  notification_channels  = var.notification_channels
  thresholds             = var.alert_thresholds
  labels                 = local.labels

  depends_on = [module.project_services]
}

# Plan-time guards that span several inputs.
resource "terraform_data" "guards" {
  input = local.name

  lifecycle {
    precondition {
      condition     = length(local.overridden_parameters) == 0
      error_message = "extra_template_parameters may not override the parameters this module sets: ${join(", ", local.overridden_parameters)}."
    }

    precondition {
      condition     = var.max_workers >= var.num_workers
      error_message = "max_workers (${var.max_workers}) must be at least num_workers (${var.num_workers})."
    }

    precondition {
      condition     = !var.launch_job || local.dlp_ready
      error_message = "launch_job is true but wrapped_keys is empty: the job needs the DLP templates. Apply once with launch_job = false, wrap the keys (README: 'Wrapped pseudonymisation keys'), then apply with wrapped_keys set."
    }
  }
}
