// mlscale's entry point: everything lives in mlscale_core.
#include "../src/cli/cli.hpp"

int main(int argc, char** argv) { return mlscale::cli::run(argc, argv); }
