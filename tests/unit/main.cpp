// Catch2's main for the unit tests. The tests run on the catalogue and fact schema the binary
// runs on: the tables compiled at build time (src/main.cpp makes the same two calls).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "mlscale/catalogue.hpp"
#include "mlscale/rules.hpp"

int main(int argc, char** argv)
{
    mlscale::use_compiled_catalogue(&mlscale::compiled_catalogue);
    mlscale::use_compiled_fact_schema(&mlscale::compiled_fact_schema);
    return Catch::Session().run(argc, argv);
}
