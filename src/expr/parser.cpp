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
    Or,          // or
    And,         // and
    Not,         // not (prefix)
    Comparison,  // == != < <= > >= in, not in
    Term,        // + -
    Factor,      // * / %
    Unary,       // - (prefix)
    Primary,     // literals, paths, calls, ( ), [ ]
};

Prec next_higher(Prec p) noexcept { return static_cast<Prec>(static_cast<std::uint8_t>(p) + 1); }

class Parser {
public:
    Parser(std::string_view text, const Limits& limits, Program& program, std::vector<Error>& errors)
        : text_(text), limits_(limits), program_(program), errors_(errors), lexer_(text, errors)
    {
    }

    /// Returns false when parsing stopped early (a limit was hit).
    bool run()
    {
        advance();
        consumed_ = 0;
        program_.root = expression();
        const bool trailing = !fatal_ && current_.kind != Tok::Eof;
        if (trailing) {
            if (current_.kind == Tok::RParen || current_.kind == Tok::RBracket) {
                error_at(current_.span, fmt::format("unmatched {}", describe(current_)));
            } else {
                std::string help;
                if (current_.kind == Tok::Path) {
                    std::string lower(slice(current_.span));
                    for (auto& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
                    if (is_keyword(lower)) help = fmt::format("did you mean '{}'? keywords are lower-case", lower);
                }
                error_at(current_.span,
                         fmt::format("expected an operator or end of expression, found {}", describe(current_)),
                         std::move(help));
            }
            // Drain the rest so that every lexical error is reported.
            while (!fatal_ && current_.kind != Tok::Eof) advance();
        }
        return !fatal_;
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
    static constexpr std::array<Rule, kTokCount> make_rules()
    {
        std::array<Rule, kTokCount> r{};
        auto set = [&r](Tok t, PrefixFn prefix, InfixFn infix, Prec p) {
            r[static_cast<std::size_t>(t)] = Rule{prefix, infix, p};
        };
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
        return r;
    }

    static const Rule& rule(Tok t) noexcept
    {
        static constexpr std::array<Rule, kTokCount> rules = make_rules();
        return rules[static_cast<std::size_t>(t)];
    }

    // ------------------------------------------------------------ tokens and errors

    void advance()
    {
        previous_ = std::move(current_);
        ++consumed_;
        while (true) {
            current_ = lexer_.next();
            if (current_.kind != Tok::Error) break;
            panic_ = true;  // the lexer reported it; suppress the cascade
        }
    }

    std::string_view slice(Span s) const noexcept { return text_.substr(s.begin, s.end - s.begin); }

    std::string describe(const Token& t) const
    {
        if (t.kind == Tok::Eof) return "end of expression";
        std::string_view s = slice(t.span);
        if (t.kind == Tok::String) {  // already quoted: "b" or 'b'
            if (s.size() > 24) return fmt::format("{}...{}", s.substr(0, 20), s.front());
            return std::string(s);
        }
        if (s.size() > 24) return fmt::format("'{}...'", s.substr(0, 21));
        return fmt::format("'{}'", s);
    }

    void error_at(Span span, std::string message, std::string help = {})
    {
        if (panic_ || fatal_) return;
        panic_ = true;
        errors_.push_back(Error{std::move(message), span, std::move(help)});
        if (errors_.size() >= limits_.max_errors) fatal_ = true;
    }

    /// A limit was exceeded: report once and stop parsing.
    void fatal_at(Span span, std::string message)
    {
        if (!fatal_) errors_.push_back(Error{std::move(message), span, {}});
        fatal_ = true;
        panic_ = true;
    }

    void too_deep(Span span)
    {
        fatal_at(span, fmt::format("expression is nested too deeply (the limit is {} levels)", limits_.max_nesting_depth));
    }

    void expected_expression()
    {
        if (consumed_ == 0 && current_.kind == Tok::Eof) {
            error_at(Span{0, static_cast<std::uint32_t>(text_.size())}, "empty expression");
        } else if (consumed_ == 0) {
            error_at(current_.span, fmt::format("expected an expression, found {}", describe(current_)));
        } else if (current_.kind == Tok::Eof) {
            error_at(current_.span, fmt::format("expected an expression after {}", describe(previous_)));
        } else {
            error_at(current_.span, fmt::format("expected an expression after {}, found {}", describe(previous_),
                                                describe(current_)));
        }
    }

    /// After an error inside a list or call, skips to the next ',' or `closer` at this level.
    void synchronize(Tok closer)
    {
        int depth = 0;
        while (current_.kind != Tok::Eof) {
            const Tok k = current_.kind;
            if (depth == 0 && (k == Tok::Comma || k == closer)) {
                panic_ = false;
                return;
            }
            if (k == Tok::LParen || k == Tok::LBracket) ++depth;
            if ((k == Tok::RParen || k == Tok::RBracket) && depth > 0) --depth;
            advance();
        }
    }

    // ------------------------------------------------------------ nodes

    std::uint32_t add(const Node& n)
    {
        program_.nodes.push_back(n);
        return static_cast<std::uint32_t>(program_.nodes.size() - 1);
    }

    const Node& node(std::uint32_t id) const { return program_.nodes[id]; }

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
        if (h > limits_.max_nesting_depth) too_deep(op_span);
        return static_cast<std::uint16_t>(std::min<std::size_t>(h, 0xFFFF));
    }

    std::uint32_t constant(Op op, Value v, Span span)
    {
        Node n;
        n.op = op;
        n.a = static_cast<std::uint32_t>(program_.constants.size());
        program_.constants.push_back(std::move(v));
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
        n.span = Span{std::min(node(left).span.begin, op_span.begin),
                      std::max({node(right).span.end, op_span.end, node(left).span.end})};
        n.height = height_above(std::max(node(left).height, node(right).height), op_span);
        return add(n);
    }

    // ------------------------------------------------------------ Pratt core

    std::uint32_t expression() { return parse_precedence(Prec::Or); }

    std::uint32_t parse_precedence(Prec precedence)
    {
        if (fatal_) return error_node(current_.span);
        struct Guard {
            std::size_t& d;
            explicit Guard(std::size_t& depth) : d(depth) { ++d; }
            ~Guard() { --d; }
        } guard(depth_);
        if (depth_ - 1 > limits_.max_nesting_depth) {
            too_deep(current_.span);
            return error_node(current_.span);
        }

        const Rule& prefix_rule = rule(current_.kind);
        if (prefix_rule.prefix == nullptr) {
            expected_expression();
            return error_node(Span{current_.span.begin, current_.span.begin});
        }
        if (current_.kind == Tok::Not && precedence > Prec::Not) {
            error_at(current_.span, "'not' cannot be used here without parentheses", "write '(not ...)'");
        }
        advance();
        std::uint32_t left = (this->*prefix_rule.prefix)();

        while (!fatal_ && precedence <= rule(current_.kind).precedence) {
            const Rule& infix_rule = rule(current_.kind);
            advance();
            left = (this->*infix_rule.infix)(left);
        }
        return left;
    }

    // ------------------------------------------------------------ prefix handlers

    std::uint32_t number() { return constant(Op::Num, Value::number(previous_.number), previous_.span); }

    std::uint32_t string() { return constant(Op::Str, Value::string(std::move(previous_.text)), previous_.span); }

    std::uint32_t boolean() { return constant(Op::Bool, Value::boolean(previous_.kind == Tok::True), previous_.span); }

    std::uint32_t grouping()
    {
        const std::uint32_t inner = expression();
        if (current_.kind == Tok::RParen) {
            advance();
        } else if (current_.kind == Tok::Eof) {
            error_at(current_.span, "expected ')' to close '('");
        } else {
            error_at(current_.span, fmt::format("expected ')' to close '(', found {}", describe(current_)));
        }
        return inner;
    }

    /// Parses comma-separated expressions up to (not including) `closer`. After an error in
    /// one element, skips to the next ',' so that later elements are still checked.
    void elements(Tok closer, std::vector<std::uint32_t>& out, bool is_list)
    {
        if (current_.kind == closer) return;
        while (!fatal_) {
            if (is_list && out.size() >= limits_.max_list_elements) {
                fatal_at(current_.span, fmt::format("list has too many elements (the limit is {})",
                                                    limits_.max_list_elements));
                return;
            }
            out.push_back(expression());
            if (fatal_) return;
            if (current_.kind != Tok::Comma && current_.kind != closer && current_.kind != Tok::Eof) {
                error_at(current_.span, fmt::format("expected ',' or '{}' after {}, found {}",
                                                    closer == Tok::RBracket ? ']' : ')',
                                                    is_list ? "list element" : "argument", describe(current_)));
            }
            if (panic_) synchronize(closer);
            if (current_.kind != Tok::Comma) return;
            advance();
        }
    }

    void close(Tok closer)
    {
        if (current_.kind == closer) {
            advance();
            return;
        }
        const std::string_view pair = closer == Tok::RBracket ? "']' to close '['" : "')' to close '('";
        if (current_.kind == Tok::Eof) {
            error_at(current_.span, fmt::format("expected {}", pair));
        } else {
            error_at(current_.span, fmt::format("expected {}, found {}", pair, describe(current_)));
        }
    }

    std::uint32_t sequence(Op op, Span open, Span name)
    {
        const Tok closer = op == Op::List ? Tok::RBracket : Tok::RParen;
        std::vector<std::uint32_t> items;
        elements(closer, items, op == Op::List);
        const Span close_span = current_.span;
        if (!fatal_) close(closer);

        Node n;
        n.op = op;
        n.a = static_cast<std::uint32_t>(program_.args.size());
        n.b = static_cast<std::uint32_t>(items.size());
        program_.args.insert(program_.args.end(), items.begin(), items.end());
        n.op_span = op == Op::List ? open : name;
        n.span = Span{n.op_span.begin, std::max(close_span.end, open.end)};
        std::size_t h = 0;
        for (auto id : items) h = std::max<std::size_t>(h, node(id).height);
        n.height = items.empty() ? 0 : height_above(h, n.op_span);
        return add(n);
    }

    std::uint32_t list() { return sequence(Op::List, previous_.span, previous_.span); }

    std::uint32_t path()
    {
        const Span name = previous_.span;
        if (current_.kind == Tok::LParen) {
            const Span open = current_.span;
            advance();
            return sequence(Op::Call, open, name);
        }
        const std::string_view dotted = slice(name);
        std::uint32_t index = 0;
        while (index < program_.paths.size() && program_.paths[index].dotted != dotted) ++index;
        if (index == program_.paths.size()) {
            PathRef ref;
            ref.dotted = std::string(dotted);
            std::size_t start = 0;
            while (true) {
                const std::size_t dot = dotted.find('.', start);
                ref.segments.emplace_back(dotted.substr(start, dot == std::string_view::npos ? dot : dot - start));
                if (dot == std::string_view::npos) break;
                start = dot + 1;
            }
            program_.paths.push_back(std::move(ref));
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
        const Tok kind = previous_.kind;
        const Span op_span = previous_.span;
        const std::uint32_t operand = parse_precedence(kind == Tok::Not ? Prec::Not : Prec::Unary);
        return unary_node(kind == Tok::Not ? Op::Not : Op::Neg, op_span, operand);
    }

    // ------------------------------------------------------------ infix handlers

    static Op binary_op(Tok t) noexcept
    {
        switch (t) {
        case Tok::Or: return Op::Or;
        case Tok::And: return Op::And;
        case Tok::Plus: return Op::Add;
        case Tok::Minus: return Op::Sub;
        case Tok::Star: return Op::Mul;
        case Tok::Slash: return Op::Div;
        case Tok::Percent: return Op::Mod;
        case Tok::EqEq: return Op::Eq;
        case Tok::BangEq: return Op::Ne;
        case Tok::Less: return Op::Lt;
        case Tok::LessEq: return Op::Le;
        case Tok::Greater: return Op::Gt;
        case Tok::GreaterEq: return Op::Ge;
        case Tok::In: return Op::In;
        case Tok::Not: return Op::NotIn;
        default: return Op::Error;
        }
    }

    std::uint32_t binary(std::uint32_t left)
    {
        const Tok kind = previous_.kind;
        const Span op_span = previous_.span;
        const std::uint32_t right = parse_precedence(next_higher(rule(kind).precedence));
        return binary_node(binary_op(kind), op_span, left, right);
    }

    std::uint32_t comparison(std::uint32_t left)
    {
        const Tok kind = previous_.kind;
        Span op_span = previous_.span;
        if (kind == Tok::Not) {
            if (current_.kind == Tok::In) {
                op_span.end = current_.span.end;
                advance();
            } else {
                error_at(current_.span, fmt::format("expected 'in' after 'not', found {}", describe(current_)));
            }
        }
        const std::uint32_t right = parse_precedence(Prec::Term);
        const std::uint32_t result = binary_node(binary_op(kind), op_span, left, right);

        // Comparisons do not associate: `a < b < c` is an error, not `(a < b) < c`.
        if (fatal_ || rule(current_.kind).precedence != Prec::Comparison) return result;
        const std::string first = kind == Tok::Not ? "not in" : std::string(slice(op_span));
        const std::string second = current_.kind == Tok::Not ? "not in" : std::string(slice(current_.span));
        error_at(current_.span, fmt::format("'{}' cannot be chained; use 'a {} b and b {} c'", second, first, second));
        // Recover: take in the rest of the chain as error nodes whose operands are still checked
        // (so `1 < 2 < zzz` also reports 'zzz'), without a cascade of type errors.
        std::uint32_t chain = result;
        while (!fatal_ && rule(current_.kind).precedence == Prec::Comparison) {
            const Span chained = current_.span;
            const bool was_not = current_.kind == Tok::Not;
            advance();
            if (was_not && current_.kind == Tok::In) advance();
            const std::uint32_t operand = parse_precedence(Prec::Term);
            chain = binary_node(Op::Error, chained, chain, operand);
            program_.nodes[chain].fn = kErrorWithOperands;
        }
        return chain;
    }

    std::string_view text_;
    const Limits& limits_;
    Program& program_;
    std::vector<Error>& errors_;
    Lexer lexer_;
    Token previous_;
    Token current_;
    std::size_t consumed_ = 0;
    std::size_t depth_ = 0;
    bool panic_ = false;
    bool fatal_ = false;
};

} // namespace

bool parse(std::string_view text, const Limits& limits, Program& program, std::vector<Error>& errors)
{
    Parser parser(text, limits, program, errors);
    return parser.run();
}

} // namespace mlscale::expr::detail
