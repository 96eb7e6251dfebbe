// Input supply of the performance model (docs/model.md §4): what the storage delivers to the
// cluster, and whether the dataset stays in the instances' page cache. Private to src/model.
#pragma once

#include <string>

#include "mlscale/estimate.hpp"

namespace mlscale::model_detail {

struct StorageSupply {
    double mb_s = 0;       ///< what the storage delivers to the whole cluster
    bool available = true; ///< false: the configuration cannot read from this storage (e.g. no instance store)
    std::string note;      ///< why it is unavailable, or what was assumed
};

StorageSupply storage_supply(const Workload& workload, const Config& config, const StorageFacts& storage);

/// MB/s one instance pulls from S3 by streaming (FastFile, Pipe), per-request latency included.
double s3_stream_mb_s(const InstanceSpec& instance, const Workload& workload, const StorageFacts& storage, bool per_file_requests);

/// Whether each instance's share of the dataset fits in the memory the page cache can use.
bool fits_page_cache(const Workload& workload, const Config& config);

} // namespace mlscale::model_detail
