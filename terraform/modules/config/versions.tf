# Provider-free on purpose: this module only reads the project's JSON files and
# computes the structures the other modules turn into resources, so it can be
# validated and evaluated offline (`terraform init -backend=false`, no provider
# downloads) by the test suite.
terraform {
  required_version = ">= 1.5.0, < 2.0.0"
}
