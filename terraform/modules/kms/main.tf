# One key ring per deployment, one key per service that encrypts data at rest
# (CMEK), and a separate key-encryption key for the pseudonymisation key that
# DLP unwraps. Separate keys mean a grant to one service agent never opens
# another service's data, and each key can be rotated or disabled alone.

data "google_project" "this" {
  project_id = var.project_id
}

# Service agents that do not exist until something asks for them; creating the
# identity here makes the IAM grants below possible on a fresh project.
resource "google_project_service_identity" "pubsub" {
  provider = google-beta
  project  = var.project_id
  service  = "pubsub.googleapis.com"
}

resource "google_project_service_identity" "artifact_registry" {
  provider = google-beta
  project  = var.project_id
  service  = "artifactregistry.googleapis.com"
}

data "google_storage_project_service_account" "this" {
  project = var.project_id
}

data "google_bigquery_default_service_account" "this" {
  project = var.project_id
}

locals {
  project_number = data.google_project.this.number

  service_agents = {
    bigquery          = data.google_bigquery_default_service_account.this.email
    pubsub            = google_project_service_identity.pubsub.email
    storage           = data.google_storage_project_service_account.this.email_address
    artifact_registry = google_project_service_identity.artifact_registry.email
    dataflow          = "service-${local.project_number}@dataflow-service-producer-prod.iam.gserviceaccount.com"
    compute           = "service-${local.project_number}@compute-system.iam.gserviceaccount.com"
  }

  # Who may use which key. Dataflow CMEK needs the Dataflow service agent, the
  # Compute Engine service agent (worker disks) and the worker service account.
  # The inner keys are fixed labels, because the emails are unknown until apply
  # on a fresh project and for_each keys must be known at plan time.
  cmek_grants = {
    bigquery          = { bigquery_agent = "serviceAccount:${local.service_agents.bigquery}" }
    pubsub            = { pubsub_agent = "serviceAccount:${local.service_agents.pubsub}" }
    storage           = { storage_agent = "serviceAccount:${local.service_agents.storage}" }
    artifact_registry = { artifact_registry_agent = "serviceAccount:${local.service_agents.artifact_registry}" }
    dataflow = {
      dataflow_agent = "serviceAccount:${local.service_agents.dataflow}"
      compute_agent  = "serviceAccount:${local.service_agents.compute}"
      worker         = "serviceAccount:${var.worker_service_account_email}"
    }
  }

  cmek_grant_pairs = merge([
    for key, members in local.cmek_grants : {
      for label, member in members : "${key}/${label}" => { key = key, member = member }
    }
  ]...)
}

resource "google_kms_key_ring" "this" {
  project  = var.project_id
  name     = var.key_ring_name
  location = var.location
}

resource "google_kms_crypto_key" "cmek" {
  for_each = local.cmek_grants

  name            = "${var.key_name_prefix}-${replace(each.key, "_", "-")}"
  key_ring        = google_kms_key_ring.this.id
  purpose         = "ENCRYPT_DECRYPT"
  rotation_period = var.rotation_period
  labels          = merge(var.labels, { usage = "cmek-${replace(each.key, "_", "-")}" })

  version_template {
    algorithm        = "GOOGLE_SYMMETRIC_ENCRYPTION"
    protection_level = var.protection_level
  }

  # A destroyed key version makes every byte encrypted with it unreadable.
  lifecycle {
    prevent_destroy = true
  }
}

resource "google_kms_crypto_key" "pseudonymisation" {
  name            = "${var.key_name_prefix}-pseudonymisation"
  key_ring        = google_kms_key_ring.this.id
  purpose         = "ENCRYPT_DECRYPT"
  rotation_period = var.rotation_period
  labels          = merge(var.labels, { usage = "dlp-key-wrapping" })

  version_template {
    algorithm        = "GOOGLE_SYMMETRIC_ENCRYPTION"
    protection_level = var.protection_level
  }

  lifecycle {
    prevent_destroy = true
  }
}

resource "google_kms_crypto_key_iam_member" "cmek" {
  for_each = local.cmek_grant_pairs

  crypto_key_id = google_kms_crypto_key.cmek[each.value.key].id
  role          = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member        = each.value.member
}

# DLP unwraps the pseudonymisation key with the caller's credentials: the worker
# service account only ever needs to decrypt (unwrap), never to encrypt.
resource "google_kms_crypto_key_iam_member" "pseudonymisation_unwrap" {
  crypto_key_id = google_kms_crypto_key.pseudonymisation.id
  role          = "roles/cloudkms.cryptoKeyDecrypter"
  member        = "serviceAccount:${var.worker_service_account_email}"
}
