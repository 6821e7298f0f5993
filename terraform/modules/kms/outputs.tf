output "key_ring_id" {
  description = "Id of the key ring (projects/P/locations/L/keyRings/R)."
  value       = google_kms_key_ring.this.id
}

output "cmek_key_ids" {
  description = "CMEK key id per service: bigquery, pubsub, storage, artifact_registry, dataflow."
  value       = { for service, key in google_kms_crypto_key.cmek : service => key.id }
}

output "pseudonymisation_key_id" {
  description = "Id of the key-encryption key that wraps the DLP pseudonymisation key(s)."
  value       = google_kms_crypto_key.pseudonymisation.id
}

output "service_agents" {
  description = "Service agent emails by service (bigquery, pubsub, storage, artifact_registry, dataflow, compute)."
  value       = local.service_agents
}

output "grants" {
  description = "Ids of the key IAM grants; depend on this before creating anything encrypted with these keys."
  value = concat(
    [for grant in google_kms_crypto_key_iam_member.cmek : grant.id],
    [google_kms_crypto_key_iam_member.pseudonymisation_unwrap.id],
  )
}
