# The streaming job, launched from the flex-template spec. Autoscaling is by
# throughput between num_workers and max_workers on Streaming Engine (state and
# shuffle live in the service, so scaling down does not move state between VMs).
#
# Updates: a change to parameters, the template spec, machine type or labels
# is an in-place update (the provider relaunches with update=true and Dataflow
# swaps the job, keeping state; renamed steps need transform_name_mapping).
# A change to name, region, num_workers, max_workers or the streaming engine
# replaces the job: Terraform drains the old one (on_delete = "drain", no data
# lost) and launches a new one.

resource "google_dataflow_flex_template_job" "this" {
  provider = google-beta

  project                 = var.project_id
  region                  = var.region
  name                    = var.job_name
  container_spec_gcs_path = var.container_spec_gcs_path
  parameters              = var.parameters
  labels                  = var.labels

  enable_streaming_engine = true
  autoscaling_algorithm   = "THROUGHPUT_BASED"
  num_workers             = var.num_workers
  max_workers             = var.max_workers
  machine_type            = var.machine_type
  launcher_machine_type   = var.launcher_machine_type
  sdk_container_image     = var.sdk_container_image

  ip_configuration      = "WORKER_IP_PRIVATE"
  network               = var.network
  subnetwork            = var.subnetwork
  service_account_email = var.service_account_email
  kms_key_name          = var.kms_key_name
  temp_location         = var.temp_location
  staging_location      = var.staging_location

  additional_experiments = var.additional_experiments
  transform_name_mapping = var.transform_name_mapping

  on_delete                    = "drain"
  skip_wait_on_job_termination = false

  lifecycle {
    precondition {
      condition     = var.max_workers >= var.num_workers
      error_message = "max_workers (${var.max_workers}) must be at least num_workers (${var.num_workers})."
    }

    precondition {
      condition     = length(setintersection(keys(var.parameters), local.environment_parameter_names)) == 0
      error_message = "parameters must not carry Dataflow environment options (${join(", ", setintersection(keys(var.parameters), local.environment_parameter_names))}); the provider would move them out of the parameters. Set the module's own variables instead."
    }
  }
}

locals {
  # Parameter keys the google-beta provider lifts out of `parameters` into the
  # launch environment (camelCase Dataflow options).
  environment_parameter_names = [
    "autoscalingAlgorithm", "numWorkers", "maxNumWorkers", "network", "serviceAccountEmail", "subnetwork",
    "tempLocation", "stagingLocation", "workerMachineType", "kmsKeyName", "ipConfiguration",
    "enableStreamingEngine", "sdkContainerImage", "launcherMachineType",
  ]
}
