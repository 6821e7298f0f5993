variable "project_id" {
  description = "Project of the DLP templates."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a Google Cloud project id: 6-30 characters, lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "location" {
  description = "DLP location of the templates: the region the pipeline calls DLP in (regional endpoint), or global."
  type        = string
  nullable    = false

  validation {
    condition     = var.location == "global" || can(regex("^[a-z]+-[a-z]+[0-9]+$", var.location))
    error_message = "location must be global or a region such as europe-west1."
  }
}

variable "template_id_prefix" {
  description = "Prefix of the template ids (<prefix>-deidentify, <prefix>-inspect)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,80}$", var.template_id_prefix))
    error_message = "template_id_prefix must be 1-80 letters, digits, hyphens or underscores (template ids are at most 100 characters)."
  }
}

variable "deidentify" {
  description = "The de-identify configuration as computed by the config module from config/deidentify.json (pass module.config.deidentify)."
  type = object({
    field_transformations = list(object({
      fields = list(string)
      primitive_transformation = list(object({
        replace_config                = list(object({ string_value = string, integer_value = string, float_value = number, boolean_value = bool }))
        redact_config                 = list(bool)
        replace_with_info_type_config = list(bool)
        character_mask_config = list(object({
          masking_character    = string
          number_to_mask       = number
          reverse_order        = bool
          characters_to_ignore = list(object({ characters_to_skip = string, common_characters_to_ignore = string }))
        }))
        crypto_hash_config          = list(object({ key_name = string }))
        crypto_deterministic_config = list(object({ key_name = string, surrogate_info_type = string, context = string }))
      }))
      info_type_transformations = list(list(object({
        info_types = list(string)
        primitive_transformation = object({
          replace_config                = list(object({ string_value = string, integer_value = string, float_value = number, boolean_value = bool }))
          redact_config                 = list(bool)
          replace_with_info_type_config = list(bool)
          character_mask_config = list(object({
            masking_character    = string
            number_to_mask       = number
            reverse_order        = bool
            characters_to_ignore = list(object({ characters_to_skip = string, common_characters_to_ignore = string }))
          }))
          crypto_hash_config          = list(object({ key_name = string }))
          crypto_deterministic_config = list(object({ key_name = string, surrogate_info_type = string, context = string }))
        })
      })))
    }))
  })
  nullable = false

  validation {
    condition     = length(var.deidentify.field_transformations) > 0
    error_message = "deidentify must hold at least one field transformation."
  }
}

variable "inspect" {
  description = "The inspect configuration as computed by the config module from config/deidentify.json (pass module.config.inspect)."
  type = object({
    info_types     = list(string)
    min_likelihood = string
    include_quote  = bool
    rule_sets = list(object({
      info_types = list(string)
      rules = list(object({
        exclusion_rule = list(object({
          matching_type    = string
          regex            = list(object({ pattern = string, group_indexes = list(number) }))
          dictionary_words = list(list(string))
        }))
        hotword_rule = list(object({
          pattern             = string
          group_indexes       = list(number)
          window_before       = number
          window_after        = number
          fixed_likelihood    = string
          relative_likelihood = number
        }))
      }))
    }))
  })
  nullable = false

  validation {
    condition     = length(var.inspect.info_types) > 0
    error_message = "inspect must name at least one infoType."
  }
}

variable "crypto_key_names" {
  description = "Transient crypto-key placeholder names used by the configuration (module.config.crypto_key_names); each must have an entry in wrapped_keys."
  type        = list(string)
  nullable    = false
}

variable "wrapped_keys" {
  description = "KMS-wrapped data keys by placeholder name, base64. Create each by encrypting 32 random bytes with kms_key_name (see terraform/README.md); the plaintext key never reaches Terraform."
  type        = map(string)
  sensitive   = true
  nullable    = false

  validation {
    condition     = alltrue([for key in values(var.wrapped_keys) : can(regex("^[A-Za-z0-9+/]+={0,2}$", key)) && length(key) % 4 == 0])
    error_message = "Every wrapped key must be standard base64 (the ciphertext returned by Cloud KMS encrypt)."
  }
}

variable "kms_key_name" {
  description = "Id of the KMS key that wrapped the keys in wrapped_keys (the pseudonymisation key)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$", var.kms_key_name))
    error_message = "kms_key_name must be a crypto key id: projects/P/locations/L/keyRings/R/cryptoKeys/K."
  }
}
