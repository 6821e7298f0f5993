# The DLP templates are built from config/deidentify.json (through the config
# module), so Cloud DLP masks exactly as the local engine does. The one change
# on the way: every {"transient": {"name": N}} crypto key becomes a KMS-wrapped
# key, var.wrapped_keys[N] unwrapped by var.kms_key_name; a transient key would
# give a new random key per request and break joins on pseudonyms.

locals {
  parent = "projects/${var.project_id}/locations/${var.location}"

  # The key names are not secret (they are in config/deidentify.json); the keys are.
  missing_wrapped_keys = [for name in var.crypto_key_names : name if !contains(nonsensitive(keys(var.wrapped_keys)), name)]
}

resource "google_data_loss_prevention_deidentify_template" "this" {
  parent       = local.parent
  template_id  = "${var.template_id_prefix}-deidentify"
  display_name = "${var.template_id_prefix} de-identify"
  description  = "Masks marketing events; generated from config/deidentify.json."

  deidentify_config {
    record_transformations {
      dynamic "field_transformations" {
        for_each = var.deidentify.field_transformations
        iterator = field_transformation
        content {
          dynamic "fields" {
            for_each = field_transformation.value.fields
            content {
              name = fields.value
            }
          }
          dynamic "primitive_transformation" {
            for_each = field_transformation.value.primitive_transformation
            iterator = primitive
            content {
              dynamic "replace_config" {
                for_each = primitive.value.replace_config
                content {
                  new_value {
                    string_value  = replace_config.value.string_value
                    integer_value = replace_config.value.integer_value
                    float_value   = replace_config.value.float_value
                    boolean_value = replace_config.value.boolean_value
                  }
                }
              }
              dynamic "redact_config" {
                for_each = primitive.value.redact_config
                content {}
              }
              dynamic "character_mask_config" {
                for_each = primitive.value.character_mask_config
                content {
                  masking_character = character_mask_config.value.masking_character
                  number_to_mask    = character_mask_config.value.number_to_mask
                  reverse_order     = character_mask_config.value.reverse_order
                  dynamic "characters_to_ignore" {
                    for_each = character_mask_config.value.characters_to_ignore
                    content {
                      characters_to_skip          = characters_to_ignore.value.characters_to_skip
                      common_characters_to_ignore = characters_to_ignore.value.common_characters_to_ignore
                    }
                  }
                }
              }
              dynamic "crypto_hash_config" {
                for_each = primitive.value.crypto_hash_config
                content {
                  crypto_key {
                    kms_wrapped {
                      wrapped_key     = var.wrapped_keys[crypto_hash_config.value.key_name]
                      crypto_key_name = var.kms_key_name
                    }
                  }
                }
              }
              dynamic "crypto_deterministic_config" {
                for_each = primitive.value.crypto_deterministic_config
                content {
                  crypto_key {
                    kms_wrapped {
                      wrapped_key     = var.wrapped_keys[crypto_deterministic_config.value.key_name]
                      crypto_key_name = var.kms_key_name
                    }
                  }
                  dynamic "surrogate_info_type" {
                    for_each = crypto_deterministic_config.value.surrogate_info_type == null ? [] : [crypto_deterministic_config.value.surrogate_info_type]
                    content {
                      name = surrogate_info_type.value
                    }
                  }
                  dynamic "context" {
                    for_each = crypto_deterministic_config.value.context == null ? [] : [crypto_deterministic_config.value.context]
                    content {
                      name = context.value
                    }
                  }
                }
              }
            }
          }
          dynamic "info_type_transformations" {
            for_each = field_transformation.value.info_type_transformations
            iterator = info_type_transformation
            content {
              dynamic "transformations" {
                for_each = info_type_transformation.value
                iterator = transformation
                content {
                  dynamic "info_types" {
                    for_each = transformation.value.info_types
                    content {
                      name = info_types.value
                    }
                  }
                  primitive_transformation {
                    dynamic "replace_config" {
                      for_each = transformation.value.primitive_transformation.replace_config
                      content {
                        new_value {
                          string_value  = replace_config.value.string_value
                          integer_value = replace_config.value.integer_value
                          float_value   = replace_config.value.float_value
                          boolean_value = replace_config.value.boolean_value
                        }
                      }
                    }
                    dynamic "redact_config" {
                      for_each = transformation.value.primitive_transformation.redact_config
                      content {}
                    }
                    dynamic "replace_with_info_type_config" {
                      for_each = transformation.value.primitive_transformation.replace_with_info_type_config
                      content {}
                    }
                    dynamic "character_mask_config" {
                      for_each = transformation.value.primitive_transformation.character_mask_config
                      content {
                        masking_character = character_mask_config.value.masking_character
                        number_to_mask    = character_mask_config.value.number_to_mask
                        reverse_order     = character_mask_config.value.reverse_order
                        dynamic "characters_to_ignore" {
                          for_each = character_mask_config.value.characters_to_ignore
                          content {
                            characters_to_skip          = characters_to_ignore.value.characters_to_skip
                            common_characters_to_ignore = characters_to_ignore.value.common_characters_to_ignore
                          }
                        }
                      }
                    }
                    dynamic "crypto_hash_config" {
                      for_each = transformation.value.primitive_transformation.crypto_hash_config
                      content {
                        crypto_key {
                          kms_wrapped {
                            wrapped_key     = var.wrapped_keys[crypto_hash_config.value.key_name]
                            crypto_key_name = var.kms_key_name
                          }
                        }
                      }
                    }
                    dynamic "crypto_deterministic_config" {
                      for_each = transformation.value.primitive_transformation.crypto_deterministic_config
                      content {
                        crypto_key {
                          kms_wrapped {
                            wrapped_key     = var.wrapped_keys[crypto_deterministic_config.value.key_name]
                            crypto_key_name = var.kms_key_name
                          }
                        }
                        dynamic "surrogate_info_type" {
                          for_each = crypto_deterministic_config.value.surrogate_info_type == null ? [] : [crypto_deterministic_config.value.surrogate_info_type]
                          content {
                            name = surrogate_info_type.value
                          }
                        }
                        dynamic "context" {
                          for_each = crypto_deterministic_config.value.context == null ? [] : [crypto_deterministic_config.value.context]
                          content {
                            name = context.value
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  lifecycle {
    precondition {
      condition     = length(local.missing_wrapped_keys) == 0
      error_message = "The masking configuration uses crypto keys with no KMS-wrapped key in wrapped_keys: ${join(", ", local.missing_wrapped_keys)}. Wrap a 32-byte key with the pseudonymisation KMS key and pass it as wrapped_keys[\"<name>\"]."
    }
  }
}

resource "google_data_loss_prevention_inspect_template" "this" {
  parent       = local.parent
  template_id  = "${var.template_id_prefix}-inspect"
  display_name = "${var.template_id_prefix} inspect"
  description  = "Finds PII in free text; generated from config/deidentify.json."

  inspect_config {
    min_likelihood = var.inspect.min_likelihood
    include_quote  = var.inspect.include_quote

    dynamic "info_types" {
      for_each = var.inspect.info_types
      content {
        name = info_types.value
      }
    }

    dynamic "rule_set" {
      for_each = var.inspect.rule_sets
      content {
        dynamic "info_types" {
          for_each = rule_set.value.info_types
          content {
            name = info_types.value
          }
        }
        dynamic "rules" {
          for_each = rule_set.value.rules
          content {
            dynamic "exclusion_rule" {
              for_each = rules.value.exclusion_rule
              content {
                matching_type = exclusion_rule.value.matching_type
                dynamic "regex" {
                  for_each = exclusion_rule.value.regex
                  content {
                    pattern       = regex.value.pattern
                    group_indexes = regex.value.group_indexes
                  }
                }
                dynamic "dictionary" {
                  for_each = exclusion_rule.value.dictionary_words
                  content {
                    word_list {
                      words = dictionary.value
                    }
                  }
                }
              }
            }
            dynamic "hotword_rule" {
              for_each = rules.value.hotword_rule
              content {
                hotword_regex {
                  pattern       = hotword_rule.value.pattern
                  group_indexes = hotword_rule.value.group_indexes
                }
                proximity {
                  window_before = hotword_rule.value.window_before
                  window_after  = hotword_rule.value.window_after
                }
                likelihood_adjustment {
                  fixed_likelihood    = hotword_rule.value.fixed_likelihood
                  relative_likelihood = hotword_rule.value.relative_likelihood
                }
              }
            }
          }
        }
      }
    }
  }
}
