// Exit codes, one table for every command (documented in docs/exit-codes.md).
#pragma once

namespace mlscale {

enum class ExitCode : int {
    Clean = 0,         ///< ran; nothing at or above --fail-on
    Findings = 1,      ///< findings at or above --fail-on
    BadInput = 2,      ///< the input or the command line is wrong (message names file, line, column)
    InternalError = 3, ///< a bug in mlscale; please report it
};

} // namespace mlscale
