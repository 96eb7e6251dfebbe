// A plan as the infrastructure a team would write for it: a SageMaker CreateTrainingJob request
// and a CloudFormation template (a SageMaker Pipeline whose training step is that request, the
// FSx for Lustre file system the plan sized, the notebook and the endpoint configuration the job
// describes), so `mlscale check` can be run on what `mlscale advise` proposed. Only what
// src/proposals reads is written (docs/check.md, "Mapping onto the job model").
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "mlscale/job.hpp"
#include "mlscale/plan.hpp"

namespace mlscale::property {

/// The CreateTrainingJob request for `plan`'s compute and storage, with the job's own settings
/// (image, spot, checkpoints, stopping condition, network and encryption).
nlohmann::ordered_json create_training_job(const Job& job, const Plan& plan);

/// A CloudFormation template: the training job as a SageMaker Pipeline step, plus AWS::FSx::FileSystem
/// when the plan puts the data on FSx for Lustre, AWS::SageMaker::NotebookInstance when the job
/// describes a notebook, and AWS::SageMaker::EndpointConfig when the plan deploys to an endpoint.
nlohmann::ordered_json cloudformation_template(const Job& job, const Plan& plan);

/// The job pointers whose values in the proposals above come from the plan (what the recommender
/// chose), so findings located there are the plan's own.
const std::vector<std::string>& plan_chosen_pointers();

} // namespace mlscale::property
