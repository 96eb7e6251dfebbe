// Where the generator's decisions come from: one interface, two sources. A seeded PRNG for the
// ctest (the same seed gives the same jobs on every machine) and a byte stream for libFuzzer (the
// fuzzer's mutations become different jobs, and an exhausted stream keeps answering 0, so a short
// input is a small job). A third wraps either and records its answers as bytes that the byte
// source reads back as the same answers: how a seeded job becomes a fuzz seed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mlscale::property {

class ChoiceSource {
public:
    virtual ~ChoiceSource() = default;
    /// A whole number in [0, bound); bound 0 or 1 gives 0 and reads nothing. 0 is always the
    /// simplest answer (absent, the first value, false), which is what shrinking converges to.
    virtual std::uint64_t below(std::uint64_t bound) = 0;

    /// True with about `percent` % probability; false when the source answers 0.
    bool chance(unsigned percent)
    {
        return below(100) >= 100 - percent;
    }
    /// One of `items` (not empty).
    template <typename T> const T& pick(const std::vector<T>& items)
    {
        return items[static_cast<std::size_t>(below(items.size()))];
    }
    /// A double in [0, 1) with 53 random bits (a byte stream gives fewer when it runs short).
    double unit();
};

/// xoshiro256** seeded through splitmix64: fast, and the same sequence on every platform.
class SeededChoices final : public ChoiceSource {
public:
    explicit SeededChoices(std::uint64_t seed);
    std::uint64_t below(std::uint64_t bound) override;

private:
    std::uint64_t next();
    std::uint64_t m_state[4];
};

/// Reads answers from bytes: as many little-endian bytes as `bound` needs, modulo `bound`.
class ByteChoices final : public ChoiceSource {
public:
    ByteChoices(const std::uint8_t* data, std::size_t size) : m_data(data), m_size(size) { }
    std::uint64_t below(std::uint64_t bound) override;
    [[nodiscard]] std::size_t consumed() const
    {
        return m_at;
    }

private:
    const std::uint8_t* m_data;
    std::size_t m_size;
    std::size_t m_at = 0;
};

/// Passes `inner`'s answers through and writes each as the bytes ByteChoices reads it from.
class RecordingChoices final : public ChoiceSource {
public:
    explicit RecordingChoices(ChoiceSource& inner) : m_inner(inner) { }
    std::uint64_t below(std::uint64_t bound) override;
    [[nodiscard]] const std::string& bytes() const
    {
        return m_bytes;
    }

private:
    ChoiceSource& m_inner;
    std::string m_bytes;
};

/// How many bytes ByteChoices reads for `bound` (0 for bounds 0 and 1).
std::size_t bytes_for_bound(std::uint64_t bound);

} // namespace mlscale::property
