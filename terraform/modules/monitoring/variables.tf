variable "project_id" {
  description = "Project of the alert policies (the project whose metrics they watch)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a Google Cloud project id: 6-30 characters, lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "enabled" {
  description = "Create the alert policies."
  type        = bool
  default     = true
  nullable    = false
}

variable "display_prefix" {
  description = "Prefix of every policy's display name (e.g. tidemark-prod)."
  type        = string
  nullable    = false
}

variable "job_name" {
  description = "Dataflow job name the lag and freshness alerts watch."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z]([-a-z0-9]{0,62}[a-z0-9])?$", var.job_name))
    error_message = "job_name must be a Dataflow job name: 1-64 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "subscription_name" {
  description = "Short name of the input subscription (backlog-age alert)."
  type        = string
  nullable    = false
}

variable "dead_letter_topic_name" {
  description = "Short name of the dead-letter topic (dead-letter-rate alert)."
  type        = string
  nullable    = false
}

variable "notification_channels" {
  description = "Notification channel ids (projects/P/notificationChannels/ID) every alert notifies. Empty: alerts open incidents in the console only."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for channel in var.notification_channels : can(regex("^projects/[^/]+/notificationChannels/[^/]+$", channel))])
    error_message = "notification_channels must be ids of the form projects/PROJECT/notificationChannels/ID."
  }
}

variable "thresholds" {
  description = "Alert thresholds: system_lag_seconds, data_freshness_seconds, backlog_age_seconds, dead_letter_per_second, dlp_errors_per_second, and duration (how long a condition must hold, e.g. 300s)."
  type = object({
    system_lag_seconds     = optional(number, 300)
    data_freshness_seconds = optional(number, 600)
    backlog_age_seconds    = optional(number, 900)
    dead_letter_per_second = optional(number, 1)
    dlp_errors_per_second  = optional(number, 0.1)
    duration               = optional(string, "300s")
  })
  default  = {}
  nullable = false

  validation {
    condition = (
      var.thresholds.system_lag_seconds > 0 && var.thresholds.data_freshness_seconds > 0 && var.thresholds.backlog_age_seconds > 0
      && var.thresholds.dead_letter_per_second >= 0 && var.thresholds.dlp_errors_per_second >= 0
      && can(regex("^[0-9]+s$", var.thresholds.duration))
    )
    error_message = "Thresholds must be positive (rates may be 0) and duration a number of seconds with an 's' suffix."
  }
}

variable "labels" {
  description = "User labels on the alert policies."
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
