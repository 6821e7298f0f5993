# The masking configuration: config/deidentify.json, in Cloud DLP's REST/JSON
# shape, is turned into plain lists and objects that the DLP module feeds to
# dynamic blocks. Nothing of the file may be dropped on the way: every leaf of
# the JSON must match a path this module knows how to express, otherwise the
# `deidentify` and `inspect` outputs fail the plan with the offending paths.

locals {
  dlp_raw = jsondecode(file(var.deidentify_config_path))

  # 1. Flatten the JSON to its leaves, with array indices written as "[]".
  #    Terraform has no recursion, so the walk is unrolled to a fixed depth;
  #    anything deeper is reported, not silently cut off.
  dlp_level_0 = try(
    [for key, child in local.dlp_raw : { path = key, json = jsonencode(child) }],
    [{ path = "(the file)", json = jsonencode(local.dlp_raw) }]
  )
  dlp_level_1 = flatten([
    for node in local.dlp_level_0 : (
      try(length(keys(jsondecode(node.json))) > 0, false)
      ? [for key, child in jsondecode(node.json) : { path = "${node.path}.${key}", json = jsonencode(child) }]
      : try(length(concat(jsondecode(node.json), [])) > 0, false)
      ? [for child in jsondecode(node.json) : { path = "${node.path}[]", json = jsonencode(child) }]
      : [node]
    )
  ])
  dlp_level_2 = flatten([
    for node in local.dlp_level_1 : (
      try(length(keys(jsondecode(node.json))) > 0, false)
      ? [for key, child in jsondecode(node.json) : { path = "${node.path}.${key}", json = jsonencode(child) }]
      : try(length(concat(jsondecode(node.json), [])) > 0, false)
      ? [for child in jsondecode(node.json) : { path = "${node.path}[]", json = jsonencode(child) }]
      : [node]
    )
  ])
  dlp_level_3 = flatten([
    for node in local.dlp_level_2 : (
      try(length(keys(jsondecode(node.json))) > 0, false)
      ? [for key, child in jsondecode(node.json) : { path = "${node.path}.${key}", json = jsonencode(child) }]
      : try(length(concat(jsondecode(node.json), [])) > 0, false)
      ? [for child in jsondecode(node.json) : { path = "${node.path}[]", json = jsonencode(child) }]
      : [node]
    )
  ])
  dlp_level_4 = flatten([
    for node in local.dlp_level_3 : (
      try(length(keys(jsondecode(node.json))) > 0, false)
      ? [for key, child in jsondecode(node.json) : { path = "${node.path}.${key}", json = jsonencode(child) }]
      : try(length(concat(jsondecode(node.json), [])) > 0, false)
      ? [for child in jsondecode(node.json) : { path = "${node.path}[]", json = jsonencode(child) }]
      : [node]
    )
  ])
  dlp_level_5 = flatten([
    for node in local.dlp_level_4 : (
      try(length(keys(jsondecode(node.json))) > 0, false)
      ? [for key, child in jsondecode(node.json) : { path = "${node.path}.${key}", json = jsonencode(child) }]
      : try(length(concat(jsondecode(node.json), [])) > 0, false)
      ? [for child in jsondecode(node.json) : { path = "${node.path}[]", json = jsonencode(child) }]
      : [node]
    )
  ])
  dlp_level_6 = flatten([
    for node in local.dlp_level_5 : (
      try(length(keys(jsondecode(node.json))) > 0, false)
      ? [for key, child in jsondecode(node.json) : { path = "${node.path}.${key}", json = jsonencode(child) }]
      : try(length(concat(jsondecode(node.json), [])) > 0, false)
      ? [for child in jsondecode(node.json) : { path = "${node.path}[]", json = jsonencode(child) }]
      : [node]
    )
  ])
  dlp_level_7 = flatten([
    for node in local.dlp_level_6 : (
      try(length(keys(jsondecode(node.json))) > 0, false)
      ? [for key, child in jsondecode(node.json) : { path = "${node.path}.${key}", json = jsonencode(child) }]
      : try(length(concat(jsondecode(node.json), [])) > 0, false)
      ? [for child in jsondecode(node.json) : { path = "${node.path}[]", json = jsonencode(child) }]
      : [node]
    )
  ])
  dlp_level_8 = flatten([
    for node in local.dlp_level_7 : (
      try(length(keys(jsondecode(node.json))) > 0, false)
      ? [for key, child in jsondecode(node.json) : { path = "${node.path}.${key}", json = jsonencode(child) }]
      : try(length(concat(jsondecode(node.json), [])) > 0, false)
      ? [for child in jsondecode(node.json) : { path = "${node.path}[]", json = jsonencode(child) }]
      : [node]
    )
  ])
  dlp_level_9 = flatten([
    for node in local.dlp_level_8 : (
      try(length(keys(jsondecode(node.json))) > 0, false)
      ? [for key, child in jsondecode(node.json) : { path = "${node.path}.${key}", json = jsonencode(child) }]
      : try(length(concat(jsondecode(node.json), [])) > 0, false)
      ? [for child in jsondecode(node.json) : { path = "${node.path}[]", json = jsonencode(child) }]
      : [node]
    )
  ])
  dlp_level_10 = flatten([
    for node in local.dlp_level_9 : (
      try(length(keys(jsondecode(node.json))) > 0, false)
      ? [for key, child in jsondecode(node.json) : { path = "${node.path}.${key}", json = jsonencode(child) }]
      : try(length(concat(jsondecode(node.json), [])) > 0, false)
      ? [for child in jsondecode(node.json) : { path = "${node.path}[]", json = jsonencode(child) }]
      : [node]
    )
  ])

  dlp_too_deep = [
    for node in local.dlp_level_10 : node.path
    if try(length(keys(jsondecode(node.json))) > 0, false) || try(length(concat(jsondecode(node.json), [])) > 0, false)
  ]

  # 2. The leaves the DLP templates can express (google provider schema of
  #    google_data_loss_prevention_inspect_template / _deidentify_template).
  primitive_leaves = [
    "replaceConfig.newValue.stringValue",
    "replaceConfig.newValue.integerValue",
    "replaceConfig.newValue.floatValue",
    "replaceConfig.newValue.booleanValue",
    "redactConfig",
    "replaceWithInfoTypeConfig",
    "characterMaskConfig.maskingCharacter",
    "characterMaskConfig.numberToMask",
    "characterMaskConfig.reverseOrder",
    "characterMaskConfig.charactersToIgnore[].charactersToSkip",
    "characterMaskConfig.charactersToIgnore[].commonCharactersToIgnore",
    "cryptoHashConfig.cryptoKey.transient.name",
    "cryptoDeterministicConfig.cryptoKey.transient.name",
    "cryptoDeterministicConfig.surrogateInfoType.name",
    "cryptoDeterministicConfig.context.name",
  ]

  field_transformation_path = "deidentifyConfig.recordTransformations.fieldTransformations[]"

  supported_leaves = concat(
    [
      "inspectConfig.infoTypes[].name",
      "inspectConfig.minLikelihood",
      "inspectConfig.includeQuote",
      "inspectConfig.ruleSet[].infoTypes[].name",
      "inspectConfig.ruleSet[].rules[].exclusionRule.matchingType",
      "inspectConfig.ruleSet[].rules[].exclusionRule.regex.pattern",
      "inspectConfig.ruleSet[].rules[].exclusionRule.regex.groupIndexes[]",
      "inspectConfig.ruleSet[].rules[].exclusionRule.dictionary.wordList.words[]",
      "inspectConfig.ruleSet[].rules[].hotwordRule.hotwordRegex.pattern",
      "inspectConfig.ruleSet[].rules[].hotwordRule.hotwordRegex.groupIndexes[]",
      "inspectConfig.ruleSet[].rules[].hotwordRule.proximity.windowBefore",
      "inspectConfig.ruleSet[].rules[].hotwordRule.proximity.windowAfter",
      "inspectConfig.ruleSet[].rules[].hotwordRule.likelihoodAdjustment.fixedLikelihood",
      "inspectConfig.ruleSet[].rules[].hotwordRule.likelihoodAdjustment.relativeLikelihood",
      "${local.field_transformation_path}.fields[].name",
      "${local.field_transformation_path}.infoTypeTransformations.transformations[].infoTypes[].name",
    ],
    # replaceWithInfoTypeConfig only means something inside infoTypeTransformations.
    [for leaf in local.primitive_leaves : "${local.field_transformation_path}.primitiveTransformation.${leaf}" if leaf != "replaceWithInfoTypeConfig"],
    [for leaf in local.primitive_leaves : "${local.field_transformation_path}.infoTypeTransformations.transformations[].primitiveTransformation.${leaf}"],
  )

  unsupported_leaves = distinct([for node in local.dlp_level_10 : node.path if !contains(local.supported_leaves, node.path)])

  # 3. Shape rules the leaf list cannot see.
  field_transformations_raw = try(local.dlp_raw.deidentifyConfig.recordTransformations.fieldTransformations, [])

  primitives_raw = merge(
    {
      for i, ft in local.field_transformations_raw :
      "fieldTransformations[${i}].primitiveTransformation" => ft.primitiveTransformation
      if can(ft.primitiveTransformation)
    },
    merge(concat([{}], [
      for i, ft in local.field_transformations_raw : {
        for j, t in try(ft.infoTypeTransformations.transformations, []) :
        "fieldTransformations[${i}].infoTypeTransformations.transformations[${j}].primitiveTransformation" => t.primitiveTransformation
        if can(t.primitiveTransformation)
      }
    ])...),
  )

  shape_problems = concat(
    can(local.dlp_raw.inspectConfig.infoTypes[0].name) ? [] : ["inspectConfig.infoTypes must list at least one infoType"],
    length(local.field_transformations_raw) > 0 ? [] : ["deidentifyConfig.recordTransformations.fieldTransformations must hold at least one transformation"],
    [
      for i, ft in local.field_transformations_raw :
      "fieldTransformations[${i}] must hold exactly one of primitiveTransformation, infoTypeTransformations"
      if try(length(setintersection(keys(ft), ["primitiveTransformation", "infoTypeTransformations"])), 0) != 1
    ],
    [
      for i, ft in local.field_transformations_raw :
      "fieldTransformations[${i}].fields must name at least one field"
      if !can(ft.fields[0].name)
    ],
    [
      for path, primitive in local.primitives_raw :
      "${path} must hold exactly one transformation, got ${try(length(keys(primitive)), 0)}"
      if try(length(keys(primitive)), 0) != 1
    ],
  )

  deidentify_problems = concat(
    [for path in local.unsupported_leaves : "${path} has no counterpart in the DLP template resources"],
    [for path in local.dlp_too_deep : "${path} is nested deeper than this module reads"],
    local.shape_problems,
  )

  # 4. The normalised structures. Every optional part is a list of zero or one
  #    element, which is what a dynamic block iterates.
  primitives = {
    for path, p in local.primitives_raw : path => {
      replace_config = can(p.replaceConfig) ? [{
        string_value  = try(tostring(p.replaceConfig.newValue.stringValue), null)
        integer_value = try(tostring(p.replaceConfig.newValue.integerValue), null)
        float_value   = try(tonumber(p.replaceConfig.newValue.floatValue), null)
        boolean_value = try(tobool(p.replaceConfig.newValue.booleanValue), null)
      }] : []
      redact_config                 = can(p.redactConfig) ? [true] : []
      replace_with_info_type_config = can(p.replaceWithInfoTypeConfig) ? [true] : []
      character_mask_config = can(p.characterMaskConfig) ? [{
        masking_character = try(tostring(p.characterMaskConfig.maskingCharacter), null)
        number_to_mask    = try(tonumber(p.characterMaskConfig.numberToMask), null)
        reverse_order     = try(tobool(p.characterMaskConfig.reverseOrder), null)
        characters_to_ignore = [
          for ignore in try(p.characterMaskConfig.charactersToIgnore, []) : {
            characters_to_skip          = try(tostring(ignore.charactersToSkip), null)
            common_characters_to_ignore = try(tostring(ignore.commonCharactersToIgnore), null)
          }
        ]
      }] : []
      crypto_hash_config = can(p.cryptoHashConfig) ? [{
        key_name = try(tostring(p.cryptoHashConfig.cryptoKey.transient.name), null)
      }] : []
      crypto_deterministic_config = can(p.cryptoDeterministicConfig) ? [{
        key_name            = try(tostring(p.cryptoDeterministicConfig.cryptoKey.transient.name), null)
        surrogate_info_type = try(tostring(p.cryptoDeterministicConfig.surrogateInfoType.name), null)
        context             = try(tostring(p.cryptoDeterministicConfig.context.name), null)
      }] : []
    }
  }

  deidentify = {
    field_transformations = [
      for i, ft in local.field_transformations_raw : {
        fields = [for field in try(ft.fields, []) : tostring(field.name)]
        primitive_transformation = (
          can(ft.primitiveTransformation) ? [local.primitives["fieldTransformations[${i}].primitiveTransformation"]] : []
        )
        info_type_transformations = can(ft.infoTypeTransformations) ? [[
          for j, t in try(ft.infoTypeTransformations.transformations, []) : {
            info_types               = [for info_type in try(t.infoTypes, []) : tostring(info_type.name)]
            primitive_transformation = local.primitives["fieldTransformations[${i}].infoTypeTransformations.transformations[${j}].primitiveTransformation"]
          }
        ]] : []
      }
    ]
  }

  crypto_key_names = sort(distinct(compact(flatten([
    for p in values(local.primitives) : concat(
      [for c in p.crypto_hash_config : c.key_name],
      [for c in p.crypto_deterministic_config : c.key_name],
    )
  ]))))

  inspect = {
    info_types     = [for info_type in try(local.dlp_raw.inspectConfig.infoTypes, []) : tostring(info_type.name)]
    min_likelihood = try(tostring(local.dlp_raw.inspectConfig.minLikelihood), null)
    include_quote  = try(tobool(local.dlp_raw.inspectConfig.includeQuote), null)
    rule_sets = [
      for rule_set in try(local.dlp_raw.inspectConfig.ruleSet, []) : {
        info_types = [for info_type in try(rule_set.infoTypes, []) : tostring(info_type.name)]
        rules = [
          for rule in try(rule_set.rules, []) : {
            exclusion_rule = can(rule.exclusionRule) ? [{
              matching_type = try(tostring(rule.exclusionRule.matchingType), null)
              regex = can(rule.exclusionRule.regex) ? [{
                pattern       = tostring(rule.exclusionRule.regex.pattern)
                group_indexes = [for index in try(rule.exclusionRule.regex.groupIndexes, []) : tonumber(index)]
              }] : []
              dictionary_words = can(rule.exclusionRule.dictionary) ? [[for word in rule.exclusionRule.dictionary.wordList.words : tostring(word)]] : []
            }] : []
            hotword_rule = can(rule.hotwordRule) ? [{
              pattern             = tostring(rule.hotwordRule.hotwordRegex.pattern)
              group_indexes       = [for index in try(rule.hotwordRule.hotwordRegex.groupIndexes, []) : tonumber(index)]
              window_before       = try(tonumber(rule.hotwordRule.proximity.windowBefore), null)
              window_after        = try(tonumber(rule.hotwordRule.proximity.windowAfter), null)
              fixed_likelihood    = try(tostring(rule.hotwordRule.likelihoodAdjustment.fixedLikelihood), null)
              relative_likelihood = try(tonumber(rule.hotwordRule.likelihoodAdjustment.relativeLikelihood), null)
            }] : []
          }
        ]
      }
    ]
  }
}
