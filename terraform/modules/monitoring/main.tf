# Alerts for the four ways a streaming pipeline goes wrong quietly: it falls
# behind (system lag, data freshness), input piles up (oldest unacked message),
# data is rejected (dead-letter rate), or masking fails (DLP errors).

locals {
  dataflow_job = "resource.type = \"dataflow_job\" AND resource.label.job_name = \"${var.job_name}\""

  policies = {
    system_lag = {
      display_name = "${var.display_prefix}: Dataflow system lag"
      severity     = "ERROR"
      filter       = "metric.type = \"dataflow.googleapis.com/job/system_lag\" AND ${local.dataflow_job}"
      aligner      = "ALIGN_MAX"
      threshold    = var.thresholds.system_lag_seconds
      duration     = var.thresholds.duration
      doc          = "The job's system lag (longest time an element has waited in a step) exceeded ${var.thresholds.system_lag_seconds}s. Check worker CPU and autoscaling (max_workers), hot keys, and DLP / BigQuery latency."
    }
    data_freshness = {
      display_name = "${var.display_prefix}: Dataflow data freshness"
      severity     = "ERROR"
      filter       = "metric.type = \"dataflow.googleapis.com/job/data_watermark_age\" AND ${local.dataflow_job}"
      aligner      = "ALIGN_MAX"
      threshold    = var.thresholds.data_freshness_seconds
      duration     = var.thresholds.duration
      doc          = "The output watermark is more than ${var.thresholds.data_freshness_seconds}s behind real time: windows close late and tables are stale. An idle source or a stuck step holds the watermark."
    }
    backlog_age = {
      display_name = "${var.display_prefix}: Pub/Sub oldest unacked message"
      severity     = "ERROR"
      filter       = "metric.type = \"pubsub.googleapis.com/subscription/oldest_unacked_message_age\" AND resource.type = \"pubsub_subscription\" AND resource.label.subscription_id = \"${var.subscription_name}\""
      aligner      = "ALIGN_MAX"
      threshold    = var.thresholds.backlog_age_seconds
      duration     = var.thresholds.duration
      doc          = "The oldest unacknowledged message on ${var.subscription_name} is older than ${var.thresholds.backlog_age_seconds}s. Messages are kept for the subscription's retention only; a backlog older than that is lost."
    }
    dead_letter_rate = {
      display_name = "${var.display_prefix}: dead-letter rate"
      severity     = "WARNING"
      filter       = "metric.type = \"pubsub.googleapis.com/topic/send_message_operation_count\" AND resource.type = \"pubsub_topic\" AND resource.label.topic_id = \"${var.dead_letter_topic_name}\""
      aligner      = "ALIGN_RATE"
      threshold    = var.thresholds.dead_letter_per_second
      duration     = var.thresholds.duration
      doc          = "More than ${var.thresholds.dead_letter_per_second} messages/s are being published to the dead-letter topic ${var.dead_letter_topic_name}. Read a few from its -inspect subscription (or the dead_letter table) to see the reason and step."
    }
    dlp_error_rate = {
      display_name = "${var.display_prefix}: DLP API error rate"
      severity     = "ERROR"
      filter       = "metric.type = \"serviceruntime.googleapis.com/api/request_count\" AND resource.type = \"consumed_api\" AND resource.label.service = \"dlp.googleapis.com\" AND metric.label.response_code_class = one_of(\"4xx\", \"5xx\")"
      aligner      = "ALIGN_RATE"
      threshold    = var.thresholds.dlp_errors_per_second
      duration     = var.thresholds.duration
      doc          = "Cloud DLP calls fail at more than ${var.thresholds.dlp_errors_per_second}/s. 429 means quota (600 requests/min per region by default): lower the batch count or ask for quota; 403 means the worker lost a DLP or KMS role; 400 means a request over DLP's limits. Failed masking sends events to dead letters, never unmasked to BigQuery."
    }
  }
}

resource "google_monitoring_alert_policy" "this" {
  for_each = var.enabled ? local.policies : {}

  project               = var.project_id
  display_name          = each.value.display_name
  combiner              = "OR"
  severity              = each.value.severity
  notification_channels = var.notification_channels
  user_labels           = var.labels

  conditions {
    display_name = each.value.display_name

    condition_threshold {
      filter          = each.value.filter
      comparison      = "COMPARISON_GT"
      threshold_value = each.value.threshold
      duration        = each.value.duration

      aggregations {
        alignment_period   = "60s"
        per_series_aligner = each.value.aligner
      }

      trigger {
        count = 1
      }
    }
  }

  alert_strategy {
    auto_close = "1800s"
  }

  documentation {
    content   = each.value.doc
    mime_type = "text/markdown"
  }
}
