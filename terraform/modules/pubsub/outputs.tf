output "topic_id" {
  description = "Id of the input topic (projects/P/topics/T)."
  value       = google_pubsub_topic.input.id
}

output "subscription_id" {
  description = "Id of the input subscription (projects/P/subscriptions/S), the pipeline's input."
  value       = google_pubsub_subscription.input.id
}

output "subscription_name" {
  description = "Short name of the input subscription (for monitoring filters)."
  value       = google_pubsub_subscription.input.name
}

output "dead_letter_topic_id" {
  description = "Id of the dead-letter topic."
  value       = google_pubsub_topic.dead_letter.id
}

output "dead_letter_topic_name" {
  description = "Short name of the dead-letter topic (for monitoring filters)."
  value       = google_pubsub_topic.dead_letter.name
}

output "dead_letter_subscription_id" {
  description = "Id of the subscription that keeps dead letters for inspection or replay."
  value       = google_pubsub_subscription.dead_letter.id
}
