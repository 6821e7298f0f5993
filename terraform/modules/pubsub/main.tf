# Input topic and subscription, plus a dead-letter topic with its own
# subscription so that dead letters are kept and can be inspected or replayed.

resource "google_pubsub_topic" "input" {
  project                    = var.project_id
  name                       = var.topic_name
  kms_key_name               = var.kms_key_name
  message_retention_duration = var.topic_message_retention_duration
  labels                     = var.labels

  message_storage_policy {
    allowed_persistence_regions = var.allowed_persistence_regions
  }
}

resource "google_pubsub_topic" "dead_letter" {
  project                    = var.project_id
  name                       = var.dead_letter_topic_name
  kms_key_name               = var.kms_key_name
  message_retention_duration = var.topic_message_retention_duration
  labels                     = var.labels

  message_storage_policy {
    allowed_persistence_regions = var.allowed_persistence_regions
  }
}

resource "google_pubsub_subscription" "input" {
  project                      = var.project_id
  name                         = var.subscription_name
  topic                        = google_pubsub_topic.input.id
  ack_deadline_seconds         = var.ack_deadline_seconds
  message_retention_duration   = var.subscription_message_retention_duration
  retain_acked_messages        = false
  enable_exactly_once_delivery = var.enable_exactly_once_delivery
  labels                       = var.labels

  # A streaming pipeline's subscription must never expire while the job is idle.
  expiration_policy {
    ttl = ""
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter.id
    max_delivery_attempts = var.max_delivery_attempts
  }

  retry_policy {
    minimum_backoff = var.retry_minimum_backoff
    maximum_backoff = var.retry_maximum_backoff
  }

  depends_on = [google_pubsub_topic_iam_member.service_agent_dead_letter_publisher]
}

resource "google_pubsub_subscription" "dead_letter" {
  project                    = var.project_id
  name                       = "${var.dead_letter_topic_name}-inspect"
  topic                      = google_pubsub_topic.dead_letter.id
  ack_deadline_seconds       = 60
  message_retention_duration = var.subscription_message_retention_duration
  labels                     = var.labels

  expiration_policy {
    ttl = ""
  }
}

# Pub/Sub forwards undeliverable messages as its own service agent: it must be
# able to publish to the dead-letter topic and to acknowledge (subscribe to)
# the source subscription.
resource "google_pubsub_topic_iam_member" "service_agent_dead_letter_publisher" {
  project = var.project_id
  topic   = google_pubsub_topic.dead_letter.name
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${var.pubsub_service_agent_email}"
}

resource "google_pubsub_subscription_iam_member" "service_agent_subscriber" {
  project      = var.project_id
  subscription = google_pubsub_subscription.input.name
  role         = "roles/pubsub.subscriber"
  member       = "serviceAccount:${var.pubsub_service_agent_email}"
}

# The pipeline reads the subscription (Dataflow also needs to read its
# metadata: pubsub.viewer on the subscription only) and publishes dead letters.
resource "google_pubsub_subscription_iam_member" "worker" {
  for_each = toset(["roles/pubsub.subscriber", "roles/pubsub.viewer"])

  project      = var.project_id
  subscription = google_pubsub_subscription.input.name
  role         = each.value
  member       = "serviceAccount:${var.worker_service_account_email}"
}

resource "google_pubsub_topic_iam_member" "worker_dead_letter_publisher" {
  project = var.project_id
  topic   = google_pubsub_topic.dead_letter.name
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${var.worker_service_account_email}"
}
