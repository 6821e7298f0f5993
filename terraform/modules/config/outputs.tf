output "tables" {
  description = "Every table of schemas/bigquery/tables.json, keyed by name: description, schema_json (the generated column schema, verbatim), partition_type and partition_field, clustering, primary_key, tier and partition_expiration_ms (null = never)."
  value       = local.tables

  precondition {
    condition     = length(local.table_problems) == 0
    error_message = "The generated table files are inconsistent: ${join("; ", local.table_problems)}"
  }

  precondition {
    condition     = length(local.unknown_tier_tables) == 0
    error_message = "table_tiers names tables that tables.json does not define: ${join(", ", local.unknown_tier_tables)}"
  }
}

output "deidentify" {
  description = "The deidentifyConfig of the masking configuration as lists for dynamic blocks: field_transformations[] of {fields, primitive_transformation (0 or 1), info_type_transformations (0 or 1 list of {info_types, primitive_transformation})}. Crypto keys appear as key_name, the transient placeholder name."
  value       = local.deidentify

  precondition {
    condition     = length(local.deidentify_problems) == 0
    error_message = "The masking configuration cannot be turned into DLP templates without losing part of it: ${join("; ", local.deidentify_problems)}. Crypto keys must be {\"transient\": {\"name\": ...}} placeholders (the DLP module supplies KMS-wrapped keys); any other new part needs support in terraform/modules/config/dlp.tf and modules/dlp."
  }
}

output "inspect" {
  description = "The inspectConfig of the masking configuration as lists for dynamic blocks: info_types, min_likelihood, include_quote, rule_sets[] of {info_types, rules[] of {exclusion_rule, hotword_rule}}."
  value       = local.inspect

  precondition {
    condition     = length(local.deidentify_problems) == 0
    error_message = "The masking configuration cannot be turned into DLP templates without losing part of it: ${join("; ", local.deidentify_problems)}. Crypto keys must be {\"transient\": {\"name\": ...}} placeholders (the DLP module supplies KMS-wrapped keys); any other new part needs support in terraform/modules/config/dlp.tf and modules/dlp."
  }
}

output "crypto_key_names" {
  description = "Names of the transient crypto-key placeholders the masking configuration uses; each needs a KMS-wrapped key in the DLP module."
  value       = local.crypto_key_names
}
