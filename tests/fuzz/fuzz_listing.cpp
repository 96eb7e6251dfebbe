// Fuzz target: the dataset readers (`aws s3 ls` listings, S3 Inventory CSV incl. gzip, Athena results).
#include <cstddef>
#include <cstdint>
#include <string>

#include "mlscale/dataprof.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    const mlscale::DataprofLimits limits;
    mlscale::Diagnostics diagnostics;
    auto listing = mlscale::string_reader(text);
    (void)mlscale::read_s3_listing(*listing, "listing.txt", limits, diagnostics);
    auto inventory = mlscale::string_reader(text);
    (void)mlscale::read_inventory_csv(*inventory, "inventory.csv", mlscale::InventorySchema::default_order(), limits, diagnostics);
    auto athena = mlscale::string_reader(text);
    (void)mlscale::read_athena_result(*athena, "athena.csv", limits, diagnostics);
    return 0;
}
