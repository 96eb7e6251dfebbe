#include "choices.hpp"

namespace mlscale::property {

double ChoiceSource::unit()
{
    return static_cast<double>(below(std::uint64_t{1} << 53)) / static_cast<double>(std::uint64_t{1} << 53);
}

namespace {

std::uint64_t splitmix64(std::uint64_t& x)
{
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

} // namespace

SeededChoices::SeededChoices(std::uint64_t seed)
{
    for (auto& word : m_state) {
        word = splitmix64(seed);
    }
}

std::uint64_t SeededChoices::next()
{
    const std::uint64_t result = rotl(m_state[1] * 5, 7) * 9;
    const std::uint64_t t = m_state[1] << 17;
    m_state[2] ^= m_state[0];
    m_state[3] ^= m_state[1];
    m_state[1] ^= m_state[2];
    m_state[0] ^= m_state[3];
    m_state[2] ^= t;
    m_state[3] = rotl(m_state[3], 45);
    return result;
}

std::uint64_t SeededChoices::below(std::uint64_t bound)
{
    if (bound <= 1) {
        return 0;
    }
    // Rejection keeps every answer equally likely; the loop runs more than once with
    // probability below bound / 2^64.
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    std::uint64_t value = next();
    while (value >= limit) {
        value = next();
    }
    return value % bound;
}

std::size_t bytes_for_bound(std::uint64_t bound)
{
    if (bound <= 1) {
        return 0;
    }
    std::size_t bytes = 0;
    for (std::uint64_t top = bound - 1; top != 0; top >>= 8) {
        ++bytes;
    }
    return bytes;
}

std::uint64_t ByteChoices::below(std::uint64_t bound)
{
    const std::size_t n = bytes_for_bound(bound);
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint64_t byte = m_at < m_size ? m_data[m_at] : 0;
        m_at += m_at < m_size ? 1 : 0;
        value |= byte << (8 * i);
    }
    return n == 0 ? 0 : value % bound;
}

std::uint64_t RecordingChoices::below(std::uint64_t bound)
{
    const std::uint64_t value = m_inner.below(bound);
    const std::size_t n = bytes_for_bound(bound);
    for (std::size_t i = 0; i < n; ++i) {
        m_bytes.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
    }
    return value;
}

} // namespace mlscale::property
