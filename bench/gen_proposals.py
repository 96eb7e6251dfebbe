#!/usr/bin/env python3
"""Generates N proposals for benchmarking `mlscale check`: a mix of CreateTrainingJob JSON,
CloudFormation YAML (notebook + FSx), Terraform HCL and Terraform plan JSON, in the shares a
CI repository might hold. Deterministic for a given N. Usage: gen_proposals.py DIR [N]"""
import json
import os
import sys

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
types = ["ml.p4d.24xlarge", "ml.g5.2xlarge", "ml.p3.2xlarge", "ml.m5.xlarge", "ml.c5.4xlarge"]
for i in range(n):
    kind = i % 4
    sub = os.path.join(out, f"team{i % 50:02d}")
    os.makedirs(sub, exist_ok=True)
    if kind == 0:
        request = {
            "TrainingJobName": f"job-{i}",
            "AlgorithmSpecification": {"TrainingImage": "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.1-gpu-py310",
                                       "TrainingInputMode": ["File", "FastFile", "Pipe"][i % 3]},
            "RoleArn": "arn:aws:iam::123456789012:role/sagemaker",
            "InputDataConfig": [{"ChannelName": "train", "ContentType": "application/x-parquet",
                                 "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": f"s3://bucket/{i}/",
                                                                 "S3DataDistributionType": "ShardedByS3Key"}}}],
            "OutputDataConfig": {"S3OutputPath": "s3://bucket/out/"},
            "ResourceConfig": {"InstanceType": types[i % len(types)], "InstanceCount": 1 + i % 4, "VolumeSizeInGB": 100},
            "StoppingCondition": {"MaxRuntimeInSeconds": 86400},
            "EnableManagedSpotTraining": i % 2 == 0,
        }
        with open(os.path.join(sub, f"train-{i}.json"), "w") as f:
            json.dump(request, f, indent=2)
    elif kind == 1:
        with open(os.path.join(sub, f"stack-{i}.yaml"), "w") as f:
            f.write(f"""AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Subnet:
    Type: AWS::EC2::Subnet::Id
Resources:
  Notebook{i}:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: !GetAtt Role.Arn
      SubnetId: !Ref Subnet
      DirectInternetAccess: {"Disabled" if i % 3 else "Enabled"}
  Data{i}:
    Type: AWS::FSx::FileSystem
    Properties:
      FileSystemType: LUSTRE
      StorageCapacity: 2400
      SubnetIds: [!Ref Subnet]
      LustreConfiguration:
        DeploymentType: PERSISTENT_2
        PerUnitStorageThroughput: 250
""")
    elif kind == 2:
        with open(os.path.join(sub, f"main-{i}.tf"), "w") as f:
            f.write(f"""resource "aws_sagemaker_notebook_instance" "nb{i}" {{
  name          = "nb-{i}"
  role_arn      = aws_iam_role.nb.arn
  instance_type = "ml.t3.medium"
  subnet_id     = var.subnet
  kms_key_id    = aws_kms_key.nb.arn
  tags = {{
    team = "t{i % 50}"
  }}
}}

resource "aws_efs_file_system" "home{i}" {{
  encrypted       = {"true" if i % 2 else "false"}
  throughput_mode = "elastic"
}}
""")
    else:
        plan = {"format_version": "1.2", "planned_values": {"root_module": {"resources": [
            {"address": f"aws_sagemaker_endpoint_configuration.ec{i}", "mode": "managed", "type": "aws_sagemaker_endpoint_configuration",
             "name": f"ec{i}", "values": {"name": f"ec-{i}", "kms_key_arn": None,
                                          "production_variants": [{"variant_name": "v", "instance_type": "ml.g5.xlarge",
                                                                   "initial_instance_count": 2, "serverless_config": []}]}}]}},
            "resource_changes": [{"address": f"aws_sagemaker_endpoint_configuration.ec{i}",
                                  "change": {"actions": ["create"], "after_unknown": {"arn": True}}}]}
        with open(os.path.join(sub, f"plan-{i}.json"), "w") as f:
            json.dump(plan, f, indent=2)
