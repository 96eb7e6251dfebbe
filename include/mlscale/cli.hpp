// The command line: parses arguments, runs one command, returns the process exit code
// (docs/exit-codes.md). Everything the commands do lives in the modules below it.
#pragma once

namespace mlscale::cli {

/// The whole CLI: parses `argv`, runs the command, returns the process exit code.
int run(int argc, const char* const* argv);

} // namespace mlscale::cli
