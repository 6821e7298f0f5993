variable "schemas_dir" {
  description = "Directory holding the generated BigQuery files: tables.json (table index: schema file, partitioning, clustering) and one <table>.json column schema per table. Generated from schemas/ by `npx tsx schemas/generate.ts`; never edited by hand."
  type        = string
  nullable    = false

  validation {
    condition     = length(trimspace(var.schemas_dir)) > 0
    error_message = "schemas_dir must name a directory (e.g. \"$${path.root}/../schemas/bigquery\")."
  }
}

variable "deidentify_config_path" {
  description = "Path of the masking configuration in Cloud DLP's REST/JSON shape {inspectConfig, deidentifyConfig} (config/deidentify.json). Crypto keys in it are {\"transient\": {\"name\": ...}} placeholders; the DLP module replaces each with a KMS-wrapped key."
  type        = string
  nullable    = false

  validation {
    condition     = endswith(var.deidentify_config_path, ".json")
    error_message = "deidentify_config_path must point at a .json file (config/deidentify.json)."
  }
}

variable "default_tier" {
  description = "Storage tier of every table not named in table_tiers: hot (operational, short-lived), warm (analytics), cold (kept until deleted)."
  type        = string
  default     = "warm"
  nullable    = false

  validation {
    condition     = contains(["hot", "warm", "cold"], var.default_tier)
    error_message = "default_tier must be one of hot, warm, cold."
  }
}

variable "table_tiers" {
  description = "Tier per table name, for tables that differ from default_tier. Names must be tables in tables.json (a renamed table fails the plan instead of silently losing its tier)."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for tier in values(var.table_tiers) : contains(["hot", "warm", "cold"], tier)])
    error_message = "Every value of table_tiers must be one of hot, warm, cold."
  }
}

variable "tier_partition_expiration_days" {
  description = "Partition expiration in days per tier; null means partitions never expire. BigQuery drops a day partition this many days after its partition date."
  type = object({
    hot  = optional(number, 30)
    warm = optional(number, 395)
    cold = optional(number)
  })
  default  = {}
  nullable = false

  validation {
    condition = alltrue([
      for days in [var.tier_partition_expiration_days.hot, var.tier_partition_expiration_days.warm, var.tier_partition_expiration_days.cold] :
      days == null ? true : (days >= 1 && days <= 36500 && floor(days) == days)
    ])
    error_message = "Partition expiration days must be whole numbers from 1 to 36500, or null for no expiration."
  }
}
