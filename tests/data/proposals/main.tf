# A notebook and a file system, as a team would write them.
variable "subnet" {
  type = string
}

# mlscale:suppress MLS-SEC-002 notebooks in this account are short-lived sandboxes
resource "aws_sagemaker_notebook_instance" "lab" {
  name          = "lab-${var.team}"
  role_arn      = aws_iam_role.notebook.arn
  instance_type = "ml.g5.xlarge"
  subnet_id     = var.subnet
  kms_key_id    = aws_kms_key.notebook.arn
  lifecycle_config_name = "setup"
  root_access   = "Disabled"
  tags = {
    team                        = "ml"
    "mlscale:suppress:MLS-SEC-009" = "root access reviewed by security"
  }
  instance_metadata_service_configuration {
    minimum_instance_metadata_service_version = "2"
  }
}

resource "aws_fsx_lustre_file_system" "data" {
  storage_capacity            = 2400
  subnet_ids                  = [var.subnet]
  deployment_type             = "PERSISTENT_2"
  per_unit_storage_throughput = 250
  policy = <<EOF2
{"not": "used"}
EOF2
  /* block comment */
  log_configuration {
    level = "WARN_ERROR"
  }
}

resource "aws_efs_file_system" "home" {
  encrypted        = true
  throughput_mode  = var.mode == "fast" ? "elastic" : "bursting"
}
