# Tables: everything about a table (columns, partitioning, clustering) comes from
# the generated files under schemas/bigquery; this module only adds the storage
# tier, which is deployment policy rather than schema.

locals {
  table_index = jsondecode(file("${var.schemas_dir}/tables.json"))

  table_columns = {
    for name, table in local.table_index :
    name => jsondecode(file("${var.schemas_dir}/${table.schema_file}"))
  }

  tier_days = {
    hot  = var.tier_partition_expiration_days.hot
    warm = var.tier_partition_expiration_days.warm
    cold = var.tier_partition_expiration_days.cold
  }

  tables = {
    for name, table in local.table_index : name => {
      description     = table.description
      schema_file     = table.schema_file
      schema_json     = file("${var.schemas_dir}/${table.schema_file}")
      columns         = [for column in local.table_columns[name] : column.name]
      partition_type  = table.time_partitioning.type
      partition_field = table.time_partitioning.field
      clustering      = table.clustering
      primary_key     = try(table.primary_key, [])
      tier            = lookup(var.table_tiers, name, var.default_tier)
      partition_expiration_ms = (
        local.tier_days[lookup(var.table_tiers, name, var.default_tier)] == null
        ? null
        : local.tier_days[lookup(var.table_tiers, name, var.default_tier)] * 86400000
      )
    }
  }

  # Problems that would otherwise surface only when BigQuery rejects the table.
  table_problems = flatten([
    for name, table in local.tables : concat(
      table.partition_type == "DAY" ? [] : ["${name}: time_partitioning.type is ${table.partition_type}; the stack partitions by DAY"],
      contains(table.columns, table.partition_field) ? [] : ["${name}: partitioning column ${table.partition_field} is not in ${table.schema_file}"],
      alltrue([
        for column in local.table_columns[name] :
        column.name != table.partition_field || contains(["TIMESTAMP", "DATE", "DATETIME"], column.type)
      ]) ? [] : ["${name}: partitioning column ${table.partition_field} must be TIMESTAMP, DATE or DATETIME"],
      [for column in table.clustering : "${name}: clustering column ${column} is not in ${table.schema_file}" if !contains(table.columns, column)],
      length(table.clustering) <= 4 ? [] : ["${name}: BigQuery allows at most 4 clustering columns, got ${length(table.clustering)}"],
    )
  ])

  unknown_tier_tables = [for name in keys(var.table_tiers) : name if !contains(keys(local.table_index), name)]
}
