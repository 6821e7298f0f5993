"""Flex Template entry point: turns the template parameters into `tidemark launch --runner dataflow` flags.

Dataflow's Python launcher calls this file with every parameter as --name=value (names as in metadata.json,
plus the ones Dataflow adds: project, region, job_name, temp_location, staging_location, ...). Unknown
parameters are an error, so a misspelt Terraform parameter fails the launch instead of being ignored.
"""
import argparse
import subprocess
import sys

# metadata.json parameter -> tidemark flag; booleans are "true"/"false" strings.
FLAGS = {
    "project": "--project",
    "region": "--region",
    "job_name": "--job-name",
    "temp_location": "--temp-location",
    "staging_location": "--staging-location",
    "service_account": "--service-account",
    "autoscaling_algorithm": "--autoscaling-algorithm",
    "max_workers": "--max-workers",
    "kms_key_name": "--kms-key-name",
    "subnetwork": "--subnetwork",
    "transform_name_mapping": "--transform-name-mapping",
    "worker_image": "--worker-image",
    "input_subscription": "--input-subscription",
    "dataset": "--dataset",
    "deidentify_config": "--deidentify-config",
    "dead_letter_topic": "--dead-letter-topic",
    "timestamp_attribute": "--timestamp-attribute",
    "id_attribute": "--id-attribute",
    "key_file_env": "--key-file-env",
}
BOOLEANS = {"enable_streaming_engine": ("", "--no-streaming-engine"), "use_public_ips": ("--use-public-ips", ""), "update": ("--update", "")}
IGNORED = {"template_location", "runner", "sdk_location", "setup_file", "requirements_file", "sdk_container_image"}


def main(argv):
    parser = argparse.ArgumentParser()
    for name in list(FLAGS) + list(BOOLEANS) + list(IGNORED) + ["labels"]:
        parser.add_argument("--" + name)
    args = parser.parse_args(argv)
    command = ["npx", "tsx", "cli/main.ts", "launch", "--runner", "dataflow"]
    for name, flag in FLAGS.items():
        value = getattr(args, name)
        if value:
            command += [flag, value]
    for name, (on, off) in BOOLEANS.items():
        value = getattr(args, name)
        if value is not None:
            chosen = on if value.lower() == "true" else off
            if chosen:
                command.append(chosen)
    if args.labels:
        for pair in args.labels.split(","):
            command += ["--label", pair.strip()]
    return subprocess.call(command, cwd="/template")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
