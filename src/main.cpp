// mlscale's entry point: everything lives in mlscale_core; the embedded catalogue and the rules'
// fact schema come from the tables compiled at build time (mlscale_tables) instead of being
// derived from the embedded JSON at start-up.
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "mlscale/catalogue.hpp"
#include "mlscale/cli.hpp"
#include "mlscale/rules.hpp"

int main(int argc, char** argv)
{
    mlscale::use_compiled_catalogue(&mlscale::compiled_catalogue);
    mlscale::use_compiled_fact_schema(&mlscale::compiled_fact_schema);
    const int code = mlscale::cli::run(argc, argv);
#if defined(__SANITIZE_ADDRESS__)
    return code; // LeakSanitizer checks at exit: let the destructors run
#else
    // Everything the run wrote is flushed, every thread joined; end without destroying the
    // embedded catalogue, rules and schemas (about 3 million instructions spent freeing memory
    // the kernel takes back at once).
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    std::_Exit(code);
#endif
}
