# An endpoint configuration sized by variables with defaults; the endpoint is tagged.
variable "instance_count" {
  type    = number
  default = 1
}

variable "instance_type" {
  type = string
}

resource "aws_sagemaker_endpoint_configuration" "ec" {
  name = "scoring"

  production_variants {
    variant_name           = "main"
    model_name             = "scoring-model"
    initial_instance_count = var.instance_count
    instance_type          = var.instance_type
  }
}

resource "aws_sagemaker_endpoint" "scoring" {
  name                 = "scoring"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.ec.name
  tags = {
    env = "dev"
  }
}
