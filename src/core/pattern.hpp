// The regular expressions JSON Schema "pattern"s use in practice (docs/job.schema.json has
// `^(ml\.)?[a-z][a-z0-9-]*$`, `^[0-9]{4}-[0-9]{2}-[0-9]{2}$` and the like), compiled to a small
// NFA and matched in time linear in the text (Thompson's construction, run as a Pike VM without
// captures). std::regex backtracks (and recurses) on long inputs, and took ~0.8 million
// instructions to compile each such pattern, a sixth of loading a job.
#pragma once

#include <bitset>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace mlscale {

class SimplePattern {
public:
    /// Compiles `text` (ECMAScript syntax), or nothing when it uses anything outside the subset:
    /// literals; `\` before punctuation, `\d`, `\w`, `\s`; `.`; classes `[a-z0-9-]`, `[^...]`;
    /// groups `(...)`, `(?:...)`; alternation `|`; quantifiers `?`, `*`, `+`, `{n}`, `{n,}`,
    /// `{n,m}` (a trailing `?` is accepted: it changes which match is found, not whether one is);
    /// `^` at the start and `$` at the end of a pattern without a top-level `|`. Anything else
    /// is refused (the schema compiler reports it as an unsupported pattern).
    static std::optional<SimplePattern> compile(std::string_view text);

    /// Whether some part of `text` matches, as std::regex_search answers (bytes, not code points,
    /// like std::regex on char; `.` matches anything but \n and \r).
    [[nodiscard]] bool search(std::string_view text) const;

    struct Instruction {
        enum class Op : std::uint8_t { Byte, Split, Jump, Match };
        Op op = Op::Match;
        std::uint32_t x = 0; ///< Byte: the class index; Split/Jump: the target
        std::uint32_t y = 0; ///< Split: the second target
    };

private:
    std::vector<Instruction> m_program;
    std::vector<std::bitset<256>> m_classes;
    bool m_anchored_start = false;
    bool m_anchored_end = false;

    friend class PatternCompiler;
};

} // namespace mlscale
