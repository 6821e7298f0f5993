variable "project_id" {
  description = "Project of the topics and subscriptions."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a Google Cloud project id: 6-30 characters, lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "topic_name" {
  description = "Name of the topic producers publish marketing events to."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9._~%+-]{2,254}$", var.topic_name)) && !startswith(var.topic_name, "goog")
    error_message = "topic_name must be 3-255 characters, start with a letter, use letters, digits and - _ . ~ + %, and not start with goog."
  }
}

variable "subscription_name" {
  description = "Name of the subscription the pipeline reads."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9._~%+-]{2,254}$", var.subscription_name)) && !startswith(var.subscription_name, "goog")
    error_message = "subscription_name must be 3-255 characters, start with a letter, use letters, digits and - _ . ~ + %, and not start with goog."
  }
}

variable "dead_letter_topic_name" {
  description = "Name of the dead-letter topic (undeliverable messages and the pipeline's own dead letters). Its inspection subscription is <name>-inspect."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9._~%+-]{2,246}$", var.dead_letter_topic_name)) && !startswith(var.dead_letter_topic_name, "goog")
    error_message = "dead_letter_topic_name must be 3-247 characters (room for the -inspect suffix), start with a letter, and not start with goog."
  }
}

variable "kms_key_name" {
  description = "CMEK key id for both topics (projects/P/locations/L/keyRings/R/cryptoKeys/K)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$", var.kms_key_name))
    error_message = "kms_key_name must be a crypto key id: projects/P/locations/L/keyRings/R/cryptoKeys/K."
  }
}

variable "allowed_persistence_regions" {
  description = "Regions where Pub/Sub may store messages (data residency)."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.allowed_persistence_regions) > 0
    error_message = "allowed_persistence_regions must name at least one region."
  }
}

variable "topic_message_retention_duration" {
  description = "How long the topics keep messages, acknowledged or not, so a subscription can seek back (replay). Seconds with an 's' suffix, 600s to 2678400s (31 days)."
  type        = string
  default     = "604800s"
  nullable    = false

  validation {
    condition     = can(regex("^[0-9]+s$", var.topic_message_retention_duration)) && try(tonumber(trimsuffix(var.topic_message_retention_duration, "s")) >= 600 && tonumber(trimsuffix(var.topic_message_retention_duration, "s")) <= 2678400, false)
    error_message = "topic_message_retention_duration must be between 600s and 2678400s."
  }
}

variable "subscription_message_retention_duration" {
  description = "How long the subscriptions keep unacknowledged messages. Seconds with an 's' suffix, 600s to 604800s (7 days)."
  type        = string
  default     = "604800s"
  nullable    = false

  validation {
    condition     = can(regex("^[0-9]+s$", var.subscription_message_retention_duration)) && try(tonumber(trimsuffix(var.subscription_message_retention_duration, "s")) >= 600 && tonumber(trimsuffix(var.subscription_message_retention_duration, "s")) <= 604800, false)
    error_message = "subscription_message_retention_duration must be between 600s and 604800s."
  }
}

variable "ack_deadline_seconds" {
  description = "Ack deadline of the input subscription. Clients extend it while they work (Dataflow and the tidemark runner both do); this is the initial value."
  type        = number
  default     = 60
  nullable    = false

  validation {
    condition     = var.ack_deadline_seconds >= 10 && var.ack_deadline_seconds <= 600 && floor(var.ack_deadline_seconds) == var.ack_deadline_seconds
    error_message = "ack_deadline_seconds must be a whole number from 10 to 600."
  }
}

variable "enable_exactly_once_delivery" {
  description = "Pub/Sub exactly-once delivery on the input subscription. Useful for pull clients such as `tidemark run --source pubsub`; Dataflow de-duplicates on its own and does not need it (it adds latency there)."
  type        = bool
  default     = false
  nullable    = false
}

variable "max_delivery_attempts" {
  description = "Delivery attempts before Pub/Sub forwards a message to the dead-letter topic."
  type        = number
  default     = 10
  nullable    = false

  validation {
    condition     = var.max_delivery_attempts >= 5 && var.max_delivery_attempts <= 100 && floor(var.max_delivery_attempts) == var.max_delivery_attempts
    error_message = "max_delivery_attempts must be a whole number from 5 to 100 (Pub/Sub's limits)."
  }
}

variable "retry_minimum_backoff" {
  description = "Minimum redelivery backoff after a nack, seconds with an 's' suffix (0s-600s)."
  type        = string
  default     = "10s"
  nullable    = false

  validation {
    condition     = can(regex("^[0-9]+s$", var.retry_minimum_backoff)) && try(tonumber(trimsuffix(var.retry_minimum_backoff, "s")) <= 600, false)
    error_message = "retry_minimum_backoff must be between 0s and 600s."
  }
}

variable "retry_maximum_backoff" {
  description = "Maximum redelivery backoff after a nack, seconds with an 's' suffix (0s-600s)."
  type        = string
  default     = "600s"
  nullable    = false

  validation {
    condition     = can(regex("^[0-9]+s$", var.retry_maximum_backoff)) && try(tonumber(trimsuffix(var.retry_maximum_backoff, "s")) <= 600, false)
    error_message = "retry_maximum_backoff must be between 0s and 600s."
  }
}

variable "pubsub_service_agent_email" {
  description = "Email of the project's Pub/Sub service agent (service-NUMBER@gcp-sa-pubsub.iam.gserviceaccount.com), which forwards dead letters."
  type        = string
  nullable    = false

  validation {
    condition     = endswith(var.pubsub_service_agent_email, "@gcp-sa-pubsub.iam.gserviceaccount.com")
    error_message = "pubsub_service_agent_email must be the Pub/Sub service agent (…@gcp-sa-pubsub.iam.gserviceaccount.com)."
  }
}

variable "worker_service_account_email" {
  description = "Email of the worker service account that reads the subscription and publishes dead letters."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9-]+@[a-z0-9-]+\\.iam\\.gserviceaccount\\.com$", var.worker_service_account_email))
    error_message = "worker_service_account_email must be a service account email (name@project.iam.gserviceaccount.com)."
  }
}

variable "labels" {
  description = "Labels applied to the topics and subscriptions."
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
