#include "pattern.hpp"

#include <memory>
#include <string>

namespace mlscale {

namespace {

using Op = SimplePattern::Instruction::Op;

constexpr std::size_t k_max_program = 4096; // instructions; a larger pattern is refused
constexpr int k_max_count = 256;            // the largest {n,m} bound accepted

struct Node {
    enum class Kind { Byte, Sequence, Alternation, Repeat };
    Kind kind = Kind::Sequence;
    std::bitset<256> bytes;                   // Byte
    std::vector<std::unique_ptr<Node>> items; // Sequence, Alternation; Repeat: the one repeated
    int min = 0;
    int max = 0; // Repeat: -1 for no upper bound
};

bool is_meta(char c)
{
    return std::string_view(".[]()*+?{}|\\^$").find(c) != std::string_view::npos;
}

std::bitset<256> single(unsigned char c)
{
    std::bitset<256> set;
    set.set(c);
    return set;
}

std::bitset<256> range(unsigned char from, unsigned char to)
{
    std::bitset<256> set;
    for (unsigned c = from; c <= to; ++c) {
        set.set(c);
    }
    return set;
}

// The classes \d, \w, \s stand for (ASCII, as std::regex on char in the "C" locale).
std::optional<std::bitset<256>> class_escape(char c)
{
    switch (c) {
    case 'd':
        return range('0', '9');
    case 'w':
        return range('a', 'z') | range('A', 'Z') | range('0', '9') | single('_');
    case 's':
        return single(' ') | single('\t') | single('\n') | single('\r') | single('\f') | single('\v');
    default:
        return std::nullopt;
    }
}

// Recursive descent over the pattern text; any construct outside the subset makes it fail.
class Parser {
public:
    explicit Parser(std::string_view text) : m_text(text) { }

    std::unique_ptr<Node> alternation(int depth)
    {
        if (depth > 32) {
            return nullptr;
        }
        auto node = std::make_unique<Node>();
        node->kind = Node::Kind::Alternation;
        for (;;) {
            auto branch = sequence(depth);
            if (!branch) {
                return nullptr;
            }
            node->items.push_back(std::move(branch));
            if (!eat('|')) {
                return node;
            }
        }
    }

    [[nodiscard]] bool at_end() const
    {
        return m_pos == m_text.size();
    }
    [[nodiscard]] char peek() const
    {
        return m_text[m_pos];
    }
    bool eat(char c)
    {
        if (!at_end() && peek() == c) {
            ++m_pos;
            return true;
        }
        return false;
    }

private:
    std::string_view m_text;
    std::size_t m_pos = 0;

    std::unique_ptr<Node> sequence(int depth)
    {
        auto node = std::make_unique<Node>();
        node->kind = Node::Kind::Sequence;
        while (!at_end() && peek() != '|' && peek() != ')') {
            auto item = atom(depth);
            if (!item) {
                return nullptr;
            }
            item = quantified(std::move(item));
            if (!item) {
                return nullptr;
            }
            node->items.push_back(std::move(item));
        }
        return node;
    }

    std::optional<int> number()
    {
        int value = 0;
        bool any = false;
        while (!at_end() && peek() >= '0' && peek() <= '9') {
            value = value * 10 + (peek() - '0');
            if (value > k_max_count) {
                return std::nullopt;
            }
            ++m_pos;
            any = true;
        }
        return any ? std::optional<int>(value) : std::nullopt;
    }

    std::unique_ptr<Node> quantified(std::unique_ptr<Node> item)
    {
        if (at_end()) {
            return item;
        }
        int min = 0;
        int max = 0;
        const char c = peek();
        if (c == '?' || c == '*' || c == '+') {
            ++m_pos;
            min = c == '+' ? 1 : 0;
            max = c == '?' ? 1 : -1;
        } else if (c == '{') {
            ++m_pos;
            const auto low = number();
            if (!low) {
                return nullptr;
            }
            min = *low;
            max = min;
            if (eat(',')) {
                if (!at_end() && peek() == '}') {
                    max = -1;
                } else {
                    const auto high = number();
                    if (!high || *high < min) {
                        return nullptr;
                    }
                    max = *high;
                }
            }
            if (!eat('}')) {
                return nullptr;
            }
        } else {
            return item;
        }
        eat('?'); // lazy: the same language
        if (!at_end() && (peek() == '?' || peek() == '*' || peek() == '+' || peek() == '{')) {
            return nullptr; // a quantified quantifier is an error in ECMAScript
        }
        auto node = std::make_unique<Node>();
        node->kind = Node::Kind::Repeat;
        node->min = min;
        node->max = max;
        node->items.push_back(std::move(item));
        return node;
    }

    std::unique_ptr<Node> byte_node(std::bitset<256> bytes)
    {
        auto node = std::make_unique<Node>();
        node->kind = Node::Kind::Byte;
        node->bytes = bytes;
        return node;
    }

    std::unique_ptr<Node> atom(int depth)
    {
        const char c = peek();
        ++m_pos;
        switch (c) {
        case '(': {
            if (eat('?') && !eat(':')) {
                return nullptr; // lookahead and the like
            }
            auto inner = alternation(depth + 1);
            if (!inner || !eat(')')) {
                return nullptr;
            }
            return inner;
        }
        case '[':
            return bracket();
        case '.':
            return byte_node(~(single('\n') | single('\r')));
        case '\\': {
            if (at_end()) {
                return nullptr;
            }
            const char e = peek();
            ++m_pos;
            if (const auto set = class_escape(e)) {
                return byte_node(*set);
            }
            if (is_meta(e) || e == '-' || e == '/') {
                return byte_node(single(static_cast<unsigned char>(e)));
            }
            return nullptr; // \b, \1, \u...: not in the subset
        }
        default:
            if (is_meta(c)) {
                return nullptr; // ^ or $ in the middle, a stray quantifier or bracket
            }
            return byte_node(single(static_cast<unsigned char>(c)));
        }
    }

    // After '[': [^a-z0-9_-] and the like.
    std::unique_ptr<Node> bracket()
    {
        const bool negated = eat('^');
        std::bitset<256> set;
        bool first = true;
        const auto member = [this]() -> std::optional<unsigned char> {
            if (at_end()) {
                return std::nullopt;
            }
            char c = peek();
            ++m_pos;
            if (c == '\\') {
                if (at_end()) {
                    return std::nullopt;
                }
                c = peek();
                ++m_pos;
                if (!is_meta(c) && c != '-' && c != '/') {
                    return std::nullopt;
                }
            } else if (c == '[') {
                return std::nullopt; // [[:alpha:]] and friends
            }
            return static_cast<unsigned char>(c);
        };
        while (!at_end() && (peek() != ']' || first)) {
            first = false;
            if (peek() == '\\' && m_pos + 1 < m_text.size()) {
                if (const auto escaped = class_escape(m_text[m_pos + 1])) {
                    m_pos += 2;
                    set |= *escaped;
                    continue;
                }
            }
            const auto low = member();
            if (!low) {
                return nullptr;
            }
            if (m_pos + 1 < m_text.size() && peek() == '-' && m_text[m_pos + 1] != ']') {
                ++m_pos;
                const auto high = member();
                if (!high || *high < *low) {
                    return nullptr;
                }
                set |= range(*low, *high);
            } else {
                set.set(*low);
            }
        }
        if (!eat(']')) {
            return nullptr;
        }
        return byte_node(negated ? ~set : set);
    }
};

} // namespace

// Thompson's construction: each node emits its instructions, a repeat emits its item as often
// as it is counted.
class PatternCompiler {
public:
    explicit PatternCompiler(SimplePattern& pattern) : m_pattern(pattern) { }

    bool emit(const Node& node)
    {
        if (m_pattern.m_program.size() > k_max_program) {
            return false;
        }
        switch (node.kind) {
        case Node::Kind::Byte: {
            m_pattern.m_classes.push_back(node.bytes);
            add(Op::Byte, static_cast<std::uint32_t>(m_pattern.m_classes.size() - 1));
            return true;
        }
        case Node::Kind::Sequence:
            for (const auto& item : node.items) {
                if (!emit(*item)) {
                    return false;
                }
            }
            return true;
        case Node::Kind::Alternation: {
            if (node.items.size() == 1) {
                return emit(*node.items[0]);
            }
            // split L1, next; L1: a; jump end; next: split L2, ...; last: z; end:
            std::vector<std::size_t> jumps;
            for (std::size_t i = 0; i < node.items.size(); ++i) {
                std::size_t split = 0;
                const bool last = i + 1 == node.items.size();
                if (!last) {
                    split = add(Op::Split);
                    m_pattern.m_program[split].x = here();
                }
                if (!emit(*node.items[i])) {
                    return false;
                }
                if (!last) {
                    jumps.push_back(add(Op::Jump));
                    m_pattern.m_program[split].y = here();
                }
            }
            for (const auto jump : jumps) {
                m_pattern.m_program[jump].x = here();
            }
            return true;
        }
        case Node::Kind::Repeat: {
            const Node& item = *node.items[0];
            for (int i = 0; i < node.min; ++i) {
                if (!emit(item)) {
                    return false;
                }
            }
            if (node.max < 0) { // L: split body, end; body; jump L; end:
                const auto split = add(Op::Split);
                m_pattern.m_program[split].x = here();
                if (!emit(item)) {
                    return false;
                }
                add(Op::Jump, static_cast<std::uint32_t>(split));
                m_pattern.m_program[split].y = here();
                return true;
            }
            std::vector<std::size_t> splits; // each optional copy: split body, end
            for (int i = node.min; i < node.max; ++i) {
                const auto split = add(Op::Split);
                m_pattern.m_program[split].x = here();
                splits.push_back(split);
                if (!emit(item)) {
                    return false;
                }
            }
            for (const auto split : splits) {
                m_pattern.m_program[split].y = here();
            }
            return true;
        }
        }
        return false;
    }

    void finish()
    {
        add(Op::Match);
    }

private:
    SimplePattern& m_pattern;

    [[nodiscard]] std::uint32_t here() const
    {
        return static_cast<std::uint32_t>(m_pattern.m_program.size());
    }

    std::size_t add(Op op, std::uint32_t x = 0)
    {
        m_pattern.m_program.push_back({op, x, 0});
        return m_pattern.m_program.size() - 1;
    }
};

std::optional<SimplePattern> SimplePattern::compile(std::string_view text)
{
    SimplePattern pattern;
    // ^ and $ are taken only where they anchor the whole pattern: at its ends, with no top-level
    // alternation (in `^a|b` the ^ belongs to the first branch alone).
    if (!text.empty() && text.front() == '^') {
        pattern.m_anchored_start = true;
        text.remove_prefix(1);
    }
    if (!text.empty() && text.back() == '$' && (text.size() < 2 || text[text.size() - 2] != '\\')) {
        pattern.m_anchored_end = true;
        text.remove_suffix(1);
    }
    Parser parser(text);
    auto root = parser.alternation(0);
    if (!root || !parser.at_end()) {
        return std::nullopt;
    }
    if ((pattern.m_anchored_start || pattern.m_anchored_end) && root->items.size() > 1) {
        return std::nullopt;
    }
    PatternCompiler compiler(pattern);
    if (!compiler.emit(*root) || pattern.m_program.size() > k_max_program) {
        return std::nullopt;
    }
    compiler.finish();
    return pattern;
}

bool SimplePattern::search(std::string_view text) const
{
    // The set of instructions alive before each byte, without duplicates (a generation mark per
    // instruction), closed over splits and jumps; a Byte instruction that accepts the byte moves
    // its thread to the next set.
    const std::size_t size = m_program.size();
    std::vector<std::uint32_t> current;
    std::vector<std::uint32_t> next;
    std::vector<std::uint32_t> mark(size, 0);
    std::vector<std::uint32_t> stack;
    current.reserve(size);
    next.reserve(size);
    std::uint32_t generation = 1;
    bool matched = false;
    const auto add = [&](std::vector<std::uint32_t>& list, std::uint32_t start) {
        stack.push_back(start);
        while (!stack.empty()) {
            const std::uint32_t pc = stack.back();
            stack.pop_back();
            if (mark[pc] == generation) {
                continue;
            }
            mark[pc] = generation;
            const auto& instruction = m_program[pc];
            switch (instruction.op) {
            case Op::Split:
                stack.push_back(instruction.y);
                stack.push_back(instruction.x);
                break;
            case Op::Jump:
                stack.push_back(instruction.x);
                break;
            case Op::Match:
                matched = true;
                break;
            case Op::Byte:
                list.push_back(pc);
                break;
            }
        }
    };
    add(current, 0); // `matched` now: the pattern matches the empty text at 0
    if (matched && (!m_anchored_end || text.empty())) {
        return true;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        ++generation;
        matched = false;
        const auto byte = static_cast<unsigned char>(text[i]);
        for (const std::uint32_t pc : current) {
            if (m_classes[m_program[pc].x].test(byte)) {
                add(next, pc + 1);
            }
        }
        if (!m_anchored_start) {
            add(next, 0); // a match may start at any later byte too
        }
        // `matched` now: some match ends at i + 1.
        if (matched && (!m_anchored_end || i + 1 == text.size())) {
            return true;
        }
        current.swap(next);
        next.clear();
        if (current.empty() && m_anchored_start) {
            return false; // no thread left, and none may start later
        }
    }
    return false;
}

} // namespace mlscale
