// Pratt parser for the rule expression language, driven by one precedence table
// (in the style of clox's ParseRule table): each token kind has an optional prefix
// handler, an optional infix handler, and the precedence of its infix use.
#include "ast.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace mlscale::expr::detail {
namespace {

/// Binding power, lowest to highest. Comparisons are non-associative.
enum class Prec : std::uint8_t {
    None,
    Or,         // or
    And,        // and
    Not,        // not (prefix)
    Comparison, // == != < <= > >= in, not in
    Term,       // + -
    Factor,     // * / %
    Unary,      // - (prefix)
    Primary,    // literals, paths, calls, ( ), [ ]
};

Prec next_higher(Prec p) noexcept
{
    return static_cast<Prec>(static_cast<std::uint8_t>(p) + 1);
}

class Parser {
public:
    Parser(std::string_view text, const Limits& limits, Program& program, std::vector<Error>& errors)
        : m_text(text), m_limits(limits), m_program(program), m_errors(errors), m_lexer(text, errors)
    { }

    /// Returns false when parsing stopped early (a limit was hit).
    bool run()
    {
        advance();
        m_consumed = 0;
        m_program.root = expression();
        const bool trailing = !m_fatal && m_current.kind != Tok::Eof;
        if (trailing) {
            if (m_current.kind == Tok::RParen || m_current.kind == Tok::RBracket) {
                error_at(m_current.span, fmt::format("unmatched {}", describe(m_current)));
            } else {
                std::string help;
                if (m_current.kind == Tok::Path) {
                    std::string lower(slice(m_current.span));
                    for (auto& c : lower)
                        c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
                    if (is_keyword(lower))
                        help = fmt::format("did you mean '{}'? keywords are lower-case", lower);
                }
                error_at(m_current.span, fmt::format("expected an operator or end of expression, found {}", describe(m_current)), std::move(help));
            }
            // Drain the rest so that every lexical error is reported.
            while (!m_fatal && m_current.kind != Tok::Eof)
                advance();
        }
        return !m_fatal;
    }

private:
    using PrefixFn = std::uint32_t (Parser::*)();
    using InfixFn = std::uint32_t (Parser::*)(std::uint32_t left);
    struct Rule {
        PrefixFn prefix = nullptr;
        InfixFn infix = nullptr;
        Prec precedence = Prec::None;
    };

    /// THE precedence table. Tokens not listed can neither start nor continue an expression.
    static constexpr std::array<Rule, k_tok_count> make_rules()
    {
        std::array<Rule, k_tok_count> r{};
        auto set = [&r](Tok t, PrefixFn prefix, InfixFn infix, Prec p) { r[static_cast<std::size_t>(t)] = Rule{prefix, infix, p}; };
        // clang-format off
        //  token           prefix              infix                 precedence
        set(Tok::Number,    &Parser::number,    nullptr,              Prec::None);
        set(Tok::String,    &Parser::string,    nullptr,              Prec::None);
        set(Tok::True,      &Parser::boolean,   nullptr,              Prec::None);
        set(Tok::False,     &Parser::boolean,   nullptr,              Prec::None);
        set(Tok::Path,      &Parser::path,      nullptr,              Prec::None);
        set(Tok::LParen,    &Parser::grouping,  nullptr,              Prec::None);
        set(Tok::LBracket,  &Parser::list,      nullptr,              Prec::None);
        set(Tok::Or,        nullptr,            &Parser::binary,      Prec::Or);
        set(Tok::And,       nullptr,            &Parser::binary,      Prec::And);
        set(Tok::Not,       &Parser::unary,     &Parser::comparison,  Prec::Comparison);  // prefix 'not', infix 'not in'
        set(Tok::EqEq,      nullptr,            &Parser::comparison,  Prec::Comparison);
        set(Tok::BangEq,    nullptr,            &Parser::comparison,  Prec::Comparison);
        set(Tok::Less,      nullptr,            &Parser::comparison,  Prec::Comparison);
        set(Tok::LessEq,    nullptr,            &Parser::comparison,  Prec::Comparison);
        set(Tok::Greater,   nullptr,            &Parser::comparison,  Prec::Comparison);
        set(Tok::GreaterEq, nullptr,            &Parser::comparison,  Prec::Comparison);
        set(Tok::In,        nullptr,            &Parser::comparison,  Prec::Comparison);
        set(Tok::Plus,      nullptr,            &Parser::binary,      Prec::Term);
        set(Tok::Minus,     &Parser::unary,     &Parser::binary,      Prec::Term);
        set(Tok::Star,      nullptr,            &Parser::binary,      Prec::Factor);
        set(Tok::Slash,     nullptr,            &Parser::binary,      Prec::Factor);
        set(Tok::Percent,   nullptr,            &Parser::binary,      Prec::Factor);
        // clang-format on
        return r;
    }

    static const Rule& rule(Tok t) noexcept
    {
        static constexpr std::array<Rule, k_tok_count> rules = make_rules();
        return rules[static_cast<std::size_t>(t)];
    }

    // ------------------------------------------------------------ tokens and errors

    void advance()
    {
        m_previous = std::move(m_current);
        ++m_consumed;
        while (true) {
            m_current = m_lexer.next();
            if (m_current.kind != Tok::Error)
                break;
            m_panic = true; // the lexer reported it; suppress the cascade
        }
    }

    std::string_view slice(Span s) const noexcept
    {
        return m_text.substr(s.begin, s.end - s.begin);
    }

    std::string describe(const Token& t) const
    {
        if (t.kind == Tok::Eof)
            return "end of expression";
        std::string_view s = slice(t.span);
        if (t.kind == Tok::String) { // already quoted: "b" or 'b'
            if (s.size() > 24)
                return fmt::format("{}...{}", s.substr(0, 20), s.front());
            return std::string(s);
        }
        if (s.size() > 24)
            return fmt::format("'{}...'", s.substr(0, 21));
        return fmt::format("'{}'", s);
    }

    void error_at(Span span, std::string message, std::string help = {})
    {
        if (m_panic || m_fatal)
            return;
        m_panic = true;
        m_errors.push_back(Error{std::move(message), span, std::move(help)});
        if (m_errors.size() >= m_limits.max_errors)
            m_fatal = true;
    }

    /// A limit was exceeded: report once and stop parsing.
    void fatal_at(Span span, std::string message)
    {
        if (!m_fatal)
            m_errors.push_back(Error{std::move(message), span, {}});
        m_fatal = true;
        m_panic = true;
    }

    void too_deep(Span span)
    {
        fatal_at(span, fmt::format("expression is nested too deeply (the limit is {} levels)", m_limits.max_nesting_depth));
    }

    void expected_expression()
    {
        if (m_consumed == 0 && m_current.kind == Tok::Eof) {
            error_at(Span{0, static_cast<std::uint32_t>(m_text.size())}, "empty expression");
        } else if (m_consumed == 0) {
            error_at(m_current.span, fmt::format("expected an expression, found {}", describe(m_current)));
        } else if (m_current.kind == Tok::Eof) {
            error_at(m_current.span, fmt::format("expected an expression after {}", describe(m_previous)));
        } else {
            error_at(m_current.span, fmt::format("expected an expression after {}, found {}", describe(m_previous), describe(m_current)));
        }
    }

    /// After an error inside a list or call, skips to the next ',' or `closer` at this level.
    void synchronize(Tok closer)
    {
        int depth = 0;
        while (m_current.kind != Tok::Eof) {
            const Tok k = m_current.kind;
            if (depth == 0 && (k == Tok::Comma || k == closer)) {
                m_panic = false;
                return;
            }
            if (k == Tok::LParen || k == Tok::LBracket)
                ++depth;
            if ((k == Tok::RParen || k == Tok::RBracket) && depth > 0)
                --depth;
            advance();
        }
    }

    // ------------------------------------------------------------ nodes

    std::uint32_t add(const Node& n)
    {
        m_program.nodes.push_back(n);
        return static_cast<std::uint32_t>(m_program.nodes.size() - 1);
    }

    const Node& node(std::uint32_t id) const
    {
        return m_program.nodes[id];
    }

    std::uint32_t error_node(Span span)
    {
        Node n;
        n.op = Op::Error;
        n.span = span;
        n.op_span = span;
        return add(n);
    }

    std::uint16_t height_above(std::size_t child_height, Span op_span)
    {
        const std::size_t h = child_height + 1;
        if (h > m_limits.max_nesting_depth)
            too_deep(op_span);
        return static_cast<std::uint16_t>(std::min<std::size_t>(h, 0xFFFF));
    }

    std::uint32_t constant(Op op, Value v, Span span)
    {
        Node n;
        n.op = op;
        n.a = static_cast<std::uint32_t>(m_program.constants.size());
        m_program.constants.push_back(std::move(v));
        n.span = span;
        n.op_span = span;
        return add(n);
    }

    std::uint32_t unary_node(Op op, Span op_span, std::uint32_t operand)
    {
        Node n;
        n.op = op;
        n.a = operand;
        n.op_span = op_span;
        n.span = Span{op_span.begin, std::max(op_span.end, node(operand).span.end)};
        n.height = height_above(node(operand).height, op_span);
        return add(n);
    }

    std::uint32_t binary_node(Op op, Span op_span, std::uint32_t left, std::uint32_t right)
    {
        Node n;
        n.op = op;
        n.a = left;
        n.b = right;
        n.op_span = op_span;
        n.span = Span{std::min(node(left).span.begin, op_span.begin), std::max({node(right).span.end, op_span.end, node(left).span.end})};
        n.height = height_above(std::max(node(left).height, node(right).height), op_span);
        return add(n);
    }

    // ------------------------------------------------------------ Pratt core

    std::uint32_t expression()
    {
        return parse_precedence(Prec::Or);
    }

    std::uint32_t parse_precedence(Prec precedence)
    {
        if (m_fatal)
            return error_node(m_current.span);
        struct Guard {
            std::size_t& d;
            explicit Guard(std::size_t& depth) : d(depth)
            {
                ++d;
            }
            ~Guard()
            {
                --d;
            }
        } guard(m_depth);
        if (m_depth - 1 > m_limits.max_nesting_depth) {
            too_deep(m_current.span);
            return error_node(m_current.span);
        }

        const Rule& prefix_rule = rule(m_current.kind);
        if (prefix_rule.prefix == nullptr) {
            expected_expression();
            return error_node(Span{m_current.span.begin, m_current.span.begin});
        }
        if (m_current.kind == Tok::Not && precedence > Prec::Not) {
            error_at(m_current.span, "'not' cannot be used here without parentheses", "write '(not ...)'");
        }
        advance();
        std::uint32_t left = (this->*prefix_rule.prefix)();

        while (!m_fatal && precedence <= rule(m_current.kind).precedence) {
            const Rule& infix_rule = rule(m_current.kind);
            advance();
            left = (this->*infix_rule.infix)(left);
        }
        return left;
    }

    // ------------------------------------------------------------ prefix handlers

    std::uint32_t number()
    {
        return constant(Op::Num, Value::number(m_previous.number), m_previous.span);
    }

    std::uint32_t string()
    {
        return constant(Op::Str, Value::string(std::move(m_previous.text)), m_previous.span);
    }

    std::uint32_t boolean()
    {
        return constant(Op::Bool, Value::boolean(m_previous.kind == Tok::True), m_previous.span);
    }

    std::uint32_t grouping()
    {
        const std::uint32_t inner = expression();
        if (m_current.kind == Tok::RParen) {
            advance();
        } else if (m_current.kind == Tok::Eof) {
            error_at(m_current.span, "expected ')' to close '('");
        } else {
            error_at(m_current.span, fmt::format("expected ')' to close '(', found {}", describe(m_current)));
        }
        return inner;
    }

    /// Parses comma-separated expressions up to (not including) `closer`. After an error in
    /// one element, skips to the next ',' so that later elements are still checked.
    void elements(Tok closer, std::vector<std::uint32_t>& out, bool is_list)
    {
        if (m_current.kind == closer)
            return;
        while (!m_fatal) {
            if (is_list && out.size() >= m_limits.max_list_elements) {
                fatal_at(m_current.span, fmt::format("list has too many elements (the limit is {})", m_limits.max_list_elements));
                return;
            }
            out.push_back(expression());
            if (m_fatal)
                return;
            if (m_current.kind != Tok::Comma && m_current.kind != closer && m_current.kind != Tok::Eof) {
                error_at(m_current.span,
                    fmt::format("expected ',' or '{}' after {}, found {}", closer == Tok::RBracket ? ']' : ')', is_list ? "list element" : "argument",
                        describe(m_current)));
            }
            if (m_panic)
                synchronize(closer);
            if (m_current.kind != Tok::Comma)
                return;
            advance();
        }
    }

    void close(Tok closer)
    {
        if (m_current.kind == closer) {
            advance();
            return;
        }
        const std::string_view pair = closer == Tok::RBracket ? "']' to close '['" : "')' to close '('";
        if (m_current.kind == Tok::Eof) {
            error_at(m_current.span, fmt::format("expected {}", pair));
        } else {
            error_at(m_current.span, fmt::format("expected {}, found {}", pair, describe(m_current)));
        }
    }

    std::uint32_t sequence(Op op, Span open, Span name)
    {
        const Tok closer = op == Op::List ? Tok::RBracket : Tok::RParen;
        std::vector<std::uint32_t> items;
        elements(closer, items, op == Op::List);
        const Span close_span = m_current.span;
        if (!m_fatal)
            close(closer);

        Node n;
        n.op = op;
        n.a = static_cast<std::uint32_t>(m_program.args.size());
        n.b = static_cast<std::uint32_t>(items.size());
        m_program.args.insert(m_program.args.end(), items.begin(), items.end());
        n.op_span = op == Op::List ? open : name;
        n.span = Span{n.op_span.begin, std::max(close_span.end, open.end)};
        std::size_t h = 0;
        for (auto id : items)
            h = std::max<std::size_t>(h, node(id).height);
        n.height = items.empty() ? 0 : height_above(h, n.op_span);
        return add(n);
    }

    std::uint32_t list()
    {
        return sequence(Op::List, m_previous.span, m_previous.span);
    }

    std::uint32_t path()
    {
        const Span name = m_previous.span;
        if (m_current.kind == Tok::LParen) {
            const Span open = m_current.span;
            advance();
            return sequence(Op::Call, open, name);
        }
        const std::string_view dotted = slice(name);
        std::uint32_t index = 0;
        while (index < m_program.paths.size() && m_program.paths[index].dotted != dotted)
            ++index;
        if (index == m_program.paths.size()) {
            PathRef ref;
            ref.dotted = std::string(dotted);
            std::size_t start = 0;
            while (true) {
                const std::size_t dot = dotted.find('.', start);
                ref.segments.emplace_back(dotted.substr(start, dot == std::string_view::npos ? dot : dot - start));
                if (dot == std::string_view::npos)
                    break;
                start = dot + 1;
            }
            m_program.paths.push_back(std::move(ref));
        }
        Node n;
        n.op = Op::Path;
        n.a = index;
        n.span = name;
        n.op_span = name;
        return add(n);
    }

    std::uint32_t unary()
    {
        const Tok kind = m_previous.kind;
        const Span op_span = m_previous.span;
        const std::uint32_t operand = parse_precedence(kind == Tok::Not ? Prec::Not : Prec::Unary);
        return unary_node(kind == Tok::Not ? Op::Not : Op::Neg, op_span, operand);
    }

    // ------------------------------------------------------------ infix handlers

    static Op binary_op(Tok t) noexcept
    {
        switch (t) {
        case Tok::Or:
            return Op::Or;
        case Tok::And:
            return Op::And;
        case Tok::Plus:
            return Op::Add;
        case Tok::Minus:
            return Op::Sub;
        case Tok::Star:
            return Op::Mul;
        case Tok::Slash:
            return Op::Div;
        case Tok::Percent:
            return Op::Mod;
        case Tok::EqEq:
            return Op::Eq;
        case Tok::BangEq:
            return Op::Ne;
        case Tok::Less:
            return Op::Lt;
        case Tok::LessEq:
            return Op::Le;
        case Tok::Greater:
            return Op::Gt;
        case Tok::GreaterEq:
            return Op::Ge;
        case Tok::In:
            return Op::In;
        case Tok::Not:
            return Op::NotIn;
        default:
            return Op::Error;
        }
    }

    std::uint32_t binary(std::uint32_t left)
    {
        const Tok kind = m_previous.kind;
        const Span op_span = m_previous.span;
        const std::uint32_t right = parse_precedence(next_higher(rule(kind).precedence));
        return binary_node(binary_op(kind), op_span, left, right);
    }

    std::uint32_t comparison(std::uint32_t left)
    {
        const Tok kind = m_previous.kind;
        Span op_span = m_previous.span;
        if (kind == Tok::Not) {
            if (m_current.kind == Tok::In) {
                op_span.end = m_current.span.end;
                advance();
            } else {
                error_at(m_current.span, fmt::format("expected 'in' after 'not', found {}", describe(m_current)));
            }
        }
        const std::uint32_t right = parse_precedence(Prec::Term);
        const std::uint32_t result = binary_node(binary_op(kind), op_span, left, right);

        // Comparisons do not associate: `a < b < c` is an error, not `(a < b) < c`.
        if (m_fatal || rule(m_current.kind).precedence != Prec::Comparison)
            return result;
        const std::string first = kind == Tok::Not ? "not in" : std::string(slice(op_span));
        const std::string second = m_current.kind == Tok::Not ? "not in" : std::string(slice(m_current.span));
        error_at(m_current.span, fmt::format("'{}' cannot be chained; use 'a {} b and b {} c'", second, first, second));
        // Recover: take in the rest of the chain as error nodes whose operands are still checked
        // (so `1 < 2 < zzz` also reports 'zzz'), without a cascade of type errors.
        std::uint32_t chain = result;
        while (!m_fatal && rule(m_current.kind).precedence == Prec::Comparison) {
            const Span chained = m_current.span;
            const bool was_not = m_current.kind == Tok::Not;
            advance();
            if (was_not && m_current.kind == Tok::In)
                advance();
            const std::uint32_t operand = parse_precedence(Prec::Term);
            chain = binary_node(Op::Error, chained, chain, operand);
            m_program.nodes[chain].fn = k_error_with_operands;
        }
        return chain;
    }

    std::string_view m_text;
    const Limits& m_limits;
    Program& m_program;
    std::vector<Error>& m_errors;
    Lexer m_lexer;
    Token m_previous;
    Token m_current;
    std::size_t m_consumed = 0;
    std::size_t m_depth = 0;
    bool m_panic = false;
    bool m_fatal = false;
};

} // namespace

bool parse(std::string_view text, const Limits& limits, Program& program, std::vector<Error>& errors)
{
    Parser parser(text, limits, program, errors);
    return parser.run();
}

} // namespace mlscale::expr::detail
