output "alert_policy_ids" {
  description = "Alert policy id by alert: system_lag, data_freshness, backlog_age, dead_letter_rate, dlp_error_rate."
  value       = { for key, policy in google_monitoring_alert_policy.this : key => policy.name }
}
