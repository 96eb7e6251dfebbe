// YAML into located JSON with yaml-cpp's event parser: every value and key keeps its line and
// column (from yaml-cpp's Marks), CloudFormation's short-form intrinsic tags become their long
// form, and the work done is bounded by the size of the input.
//
// Why events and not YAML::LoadAll: Debian 12's yaml-cpp 0.7 loops forever, allocating, on a ','
// outside any [ ] or { } where a document could start (`{"a": 1}},` or `"a"\n,`): the parser
// emits an empty document without consuming the ',' and LoadAll asks for the next document again
// (upstream issue jbeder/yaml-cpp#1040, fixed after 0.8.0 by pull request #1319). Driving
// YAML::Parser ourselves lets the handler see every document start and stop at the first one that
// begins where the previous one began, with the position of the ','. The handler builds the JSON
// directly, so no YAML::Node tree is built, and it copies anchored values for their aliases under
// a budget, so a "billion laughs" document of nested aliases is refused instead of expanded.
#include <algorithm>
#include <optional>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include "mlscale/proposals.hpp"

namespace mlscale {

namespace {

/// Deeper nesting stops the parse (no stack overflow in later walks, and 100,000 levels cost nothing).
constexpr std::size_t k_max_yaml_depth = 128;
/// Values copied for anchors (each anchored value is kept) and for aliases (each is a copy), in all.
constexpr std::size_t k_max_copied_values = 100'000;
/// Events per input byte that no YAML text reaches (random and crafted inputs stay under 2.5); more
/// means the parser is going round without reading, whatever the reason.
constexpr std::size_t k_max_events_per_byte = 8;

Location location_of_mark(const YAML::Mark& mark)
{
    return Location{static_cast<std::uint32_t>(mark.line + 1), static_cast<std::uint32_t>(mark.column + 1), static_cast<std::uint32_t>(mark.pos)};
}

/// Thrown by the builder to stop yaml-cpp's parser; becomes the file's one diagnostic.
struct YamlStop {
    Location location;
    std::string message;
    std::string help;
};

/// One recorded position: a value's or a member key's, by JSON pointer.
struct SpanRecord {
    std::string pointer;
    TextSpan span;
    bool key = false;
};

/// What an anchor refers to, kept to be copied where an alias names it.
struct Anchored {
    bool complete = false; ///< false while its collection is still open
    nlohmann::json value;
    std::vector<SpanRecord> spans;     ///< pointers relative to the anchored node
    std::size_t values = 1;            ///< how many values a copy adds
    std::size_t height = 0;            ///< levels of nesting below it
    std::optional<std::string> scalar; ///< the text, when it is a scalar (used as a key)
    TextSpan span;                     ///< where it is (a key's span when an alias is a key)
};

/// Span columns of a scalar: its characters, and the quotes of a quoted ("!"-tagged) one.
std::uint32_t scalar_columns(const std::string& tag, const std::string& text)
{
    return std::max<std::uint32_t>(1, count_characters(text) + (tag == "!" ? 2 : 0));
}

/// YAML 1.2 core schema for plain scalars; quoted scalars ("!" tag) and other tags stay strings.
nlohmann::json scalar_value(const std::string& tag, const std::string& text)
{
    if (tag != "?") {
        return text;
    }
    if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
        return nullptr;
    }
    if (text == "true" || text == "True" || text == "TRUE") {
        return true;
    }
    if (text == "false" || text == "False" || text == "FALSE") {
        return false;
    }
    const bool numeric = text.find_first_not_of("0123456789+-.eE") == std::string::npos && text.find_first_of("0123456789") != std::string::npos;
    if (numeric) {
        try {
            std::size_t used = 0;
            if (text.find_first_of(".eE") == std::string::npos) {
                const long long integer = std::stoll(text, &used);
                if (used == text.size() && !(text.size() > 1 && text[0] == '0')) {
                    return integer;
                }
            } else {
                const double number = std::stod(text, &used);
                if (used == text.size()) {
                    return number;
                }
            }
        } catch (const std::exception&) {
            // not a number after all (e.g. "1-2"): a string
        }
    }
    return text;
}

/// CloudFormation's short-form tags: `!Ref X` -> {"Ref": X}, `!GetAtt A.B` -> {"Fn::GetAtt": [A, B]},
/// `!Name v` -> {"Fn::Name": v}. "?" (plain), "!" (quoted) and standard "!!" tags change nothing.
nlohmann::json apply_tag(const std::string& tag, nlohmann::json plain)
{
    if (tag.size() < 2 || tag[0] != '!' || tag[1] == '!') {
        return plain;
    }
    const std::string name = tag.substr(1);
    if (name == "Ref" || name == "Condition") {
        return nlohmann::json{{name, std::move(plain)}};
    }
    if (name == "GetAtt" && plain.is_string()) {
        const std::string text = plain.get<std::string>();
        const auto dot = text.find('.');
        plain = dot == std::string::npos ? nlohmann::json::array({text}) : nlohmann::json::array({text.substr(0, dot), text.substr(dot + 1)});
    }
    return nlohmann::json{{"Fn::" + name, std::move(plain)}};
}

/// Builds located JSON from yaml-cpp's events, one JSON value per document. Duplicate keys and
/// an alias inside its own anchor are diagnostics; what would make the work unbounded (nesting
/// too deep, too many copies, a parser that stops making progress) stops the parse (YamlStop).
class LocatedJsonBuilder final : public YAML::EventHandler {
public:
    LocatedJsonBuilder(const SourceFile& source, Diagnostics& diagnostics)
        : m_source(source), m_diagnostics(diagnostics), m_max_events(k_max_events_per_byte * (source.text.size() + 64))
    { }

    std::vector<nlohmann::json>& documents()
    {
        return m_documents;
    }
    std::vector<SpanRecord>& spans()
    {
        return m_spans;
    }
    /// Where each document's records begin in spans().
    const std::vector<std::size_t>& document_span_starts() const
    {
        return m_document_span_starts;
    }

    void OnDocumentStart(const YAML::Mark& mark) override
    {
        count_event(mark);
        // A document that consumed nothing leaves the next one starting at the same token: yaml-cpp
        // 0.7 does this on a ',' outside [ ] and { } and would do it forever (see the top of file).
        if (m_document_started && mark.pos <= m_last_document_start) {
            throw no_progress(mark);
        }
        m_document_started = true;
        m_last_document_start = mark.pos;
        m_anchors.clear(); // anchors are per document
        m_document_span_starts.push_back(m_spans.size());
    }

    void OnDocumentEnd() override { }

    void OnAnchor(const YAML::Mark& mark, const std::string& name) override
    {
        count_event(mark);
        m_anchor_name = name;
    }

    void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override
    {
        count_event(mark);
        scalar_node(mark, anchor, "", "", nullptr);
    }

    void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor, const std::string& value) override
    {
        count_event(mark);
        scalar_node(mark, anchor, tag, value, apply_tag(tag, scalar_value(tag, value)));
    }

    void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override
    {
        count_event(mark);
        const auto found = m_anchors.find(anchor);
        if (found == m_anchors.end()) {
            place_null(); // its anchor was inside a mapping key, which is not read
            return;
        }
        const Anchored& target = found->second;
        if (!target.complete) {
            error(mark, fmt::format("alias *{} refers to a collection that contains it", name_of(anchor)),
                "a value cannot contain itself: copy the part you need instead of the alias");
            place_null();
            return;
        }
        if (expecting_key()) {
            place_key(target.scalar ? *target.scalar : std::string("?"), target.span);
            return;
        }
        const Slot slot = next_slot();
        check_depth(mark, slot.depth + target.height);
        count_copies(target.values, location_of_mark(mark));
        for (const SpanRecord& record : target.spans) {
            m_spans.push_back(SpanRecord{slot.pointer + record.pointer, record.span, record.key});
        }
        m_values += target.values;
        place_value(target.value);
    }

    void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor, YAML::EmitterStyle::value /*style*/) override
    {
        count_event(mark);
        open(mark, tag, anchor, nlohmann::json::array());
    }

    void OnSequenceEnd() override
    {
        close();
    }

    void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor, YAML::EmitterStyle::value /*style*/) override
    {
        count_event(mark);
        open(mark, tag, anchor, nlohmann::json::object());
    }

    void OnMapEnd() override
    {
        close();
    }

private:
    /// An open sequence or mapping.
    struct Frame {
        nlohmann::json value;
        std::string pointer;
        std::string tag;
        YAML::anchor_t anchor = YAML::NullAnchor;
        TextSpan span;
        bool is_key = false;        ///< this collection is a mapping key (read as "?")
        std::size_t first_span = 0; ///< its records in m_spans start here
        std::size_t values_before = 0;
        std::size_t height = 0; ///< levels of nesting below it, so far
        // mappings: the member whose value comes next
        bool has_key = false;
        std::string key;
        bool drop_value = false; ///< the key was a duplicate
    };

    /// Where the next node goes.
    struct Slot {
        std::string pointer;
        std::size_t depth = 0;
    };

    /// Copies for anchors and aliases are bounded, or nested aliases ("billion laughs") or nested
    /// anchors would cost far more than the size of the input.
    void count_copies(std::size_t values, const Location& where)
    {
        m_copied_values += values;
        if (m_copied_values > k_max_copied_values) {
            throw YamlStop{where, fmt::format("invalid YAML: anchors and aliases copy more than {} values", k_max_copied_values),
                "each alias is read as a copy of what its anchor names, so aliases of aliases multiply; "
                "write the values out, or alias smaller parts"};
        }
    }

    void count_event(const YAML::Mark& mark)
    {
        if (++m_events > m_max_events) {
            throw no_progress(mark);
        }
    }

    /// The parser stopped reading the input; the usual cause is yaml-cpp 0.7's stray ','.
    YamlStop no_progress(const YAML::Mark& mark) const
    {
        const auto pos = static_cast<std::size_t>(std::max(mark.pos, 0));
        if (mark.pos >= 0 && pos < m_source.text.size() && m_source.text[pos] == ',') {
            return YamlStop{location_of_mark(mark), "invalid YAML: ',' outside [ ] or { }",
                "a ',' separates items only inside a flow sequence [ ] or a flow mapping { }; remove it, or "
                "look before it for a ']' or '}' too many that closed the collection early"};
        }
        return YamlStop{location_of_mark(mark), "invalid YAML: the parser stopped making progress here",
            "yaml-cpp 0.7 cannot read past this point; rewrite this part in block style (one key: value "
            "per line)"};
    }

    bool expecting_key() const
    {
        return !m_frames.empty() && m_frames.back().value.is_object() && !m_frames.back().has_key;
    }

    Slot next_slot() const
    {
        if (m_frames.empty()) {
            return Slot{"", 0};
        }
        const Frame& top = m_frames.back();
        const std::string token = top.value.is_array() ? std::to_string(top.value.size()) : escape_pointer_token(top.key);
        return Slot{top.pointer + "/" + token, m_frames.size()};
    }

    const std::string& name_of(YAML::anchor_t anchor) const
    {
        static const std::string k_unknown = "?";
        const auto found = m_anchor_names.find(anchor);
        return found == m_anchor_names.end() ? k_unknown : found->second;
    }

    void name_anchor(YAML::anchor_t anchor)
    {
        if (anchor != YAML::NullAnchor) {
            m_anchor_names[anchor] = m_anchor_name;
        }
    }

    void check_depth(const YAML::Mark& mark, std::size_t depth) const
    {
        if (depth > k_max_yaml_depth) {
            throw YamlStop{
                location_of_mark(mark), fmt::format("nesting deeper than {} levels", k_max_yaml_depth), "flatten the document; no valid input nests this deep"};
        }
    }

    void scalar_node(const YAML::Mark& mark, YAML::anchor_t anchor, const std::string& tag, const std::string& text, nlohmann::json value)
    {
        name_anchor(anchor);
        const TextSpan span{location_of_mark(mark), scalar_columns(tag, text)};
        const bool is_null = value.is_null() && tag.empty();
        if (anchor != YAML::NullAnchor) {
            Anchored& anchored = m_anchors[anchor];
            anchored = Anchored{true, value, {SpanRecord{"", span, false}}, 1, 0, std::nullopt, span};
            if (!is_null) {
                anchored.scalar = text;
            }
        }
        if (expecting_key()) {
            // A null key (`: v`, `~: v`) is not a scalar: "?" as for any non-scalar key.
            place_key(is_null ? std::string("?") : text, is_null ? TextSpan{span.begin, 1} : span);
            return;
        }
        const Slot slot = next_slot();
        check_depth(mark, slot.depth);
        m_spans.push_back(SpanRecord{slot.pointer, is_null ? TextSpan{span.begin, 1} : span, false});
        ++m_values;
        place_value(std::move(value));
    }

    void open(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor, nlohmann::json empty)
    {
        name_anchor(anchor);
        Frame frame;
        frame.value = std::move(empty);
        frame.tag = tag;
        frame.anchor = anchor;
        frame.span = TextSpan{location_of_mark(mark), 1};
        frame.is_key = expecting_key();
        if (!frame.is_key) {
            const Slot slot = next_slot();
            check_depth(mark, slot.depth);
            frame.pointer = slot.pointer;
            m_spans.push_back(SpanRecord{frame.pointer, frame.span, false});
        }
        frame.first_span = frame.is_key ? m_spans.size() : m_spans.size() - 1;
        frame.values_before = m_values++;
        if (anchor != YAML::NullAnchor) {
            m_anchors[anchor] = Anchored{}; // incomplete until the collection closes
        }
        m_frames.push_back(std::move(frame));
    }

    void close()
    {
        Frame frame = std::move(m_frames.back());
        m_frames.pop_back();
        nlohmann::json value = apply_tag(frame.tag, std::move(frame.value));
        if (frame.anchor != YAML::NullAnchor) {
            count_copies(m_values - frame.values_before, frame.span.begin);
            Anchored& anchored = m_anchors[frame.anchor];
            anchored = Anchored{true, value, {}, m_values - frame.values_before, frame.height, std::nullopt, frame.span};
            const std::size_t strip = frame.pointer.size();
            for (std::size_t i = frame.first_span; i < m_spans.size(); ++i) {
                anchored.spans.push_back(SpanRecord{m_spans[i].pointer.substr(strip), m_spans[i].span, m_spans[i].key});
            }
        }
        if (!m_frames.empty()) {
            m_frames.back().height = std::max(m_frames.back().height, frame.height + 1);
        }
        if (frame.is_key) {
            m_spans.resize(frame.first_span); // a collection as a key is read as "?", its content unused
            place_key("?", frame.span);
            return;
        }
        place_value(std::move(value));
    }

    void place_key(std::string key, const TextSpan& span)
    {
        Frame& map = m_frames.back();
        map.has_key = true;
        map.key = std::move(key);
        map.drop_value = map.value.contains(map.key);
        if (map.drop_value) {
            error_at(span.begin, fmt::format("duplicate key \"{}\"", map.key));
            return;
        }
        m_spans.push_back(SpanRecord{map.pointer + "/" + escape_pointer_token(map.key), span, true});
    }

    /// Stands in for a refused node (an error is reported), as a key or as a value, so that the
    /// nodes after it still go where they belong.
    void place_null()
    {
        if (expecting_key()) {
            Frame& map = m_frames.back();
            map.has_key = true;
            map.drop_value = true;
        } else {
            place_value(nullptr);
        }
    }

    void place_value(nlohmann::json value)
    {
        if (m_frames.empty()) {
            m_documents.push_back(std::move(value));
            return;
        }
        Frame& top = m_frames.back();
        if (top.value.is_array()) {
            top.value.push_back(std::move(value));
            return;
        }
        if (!top.drop_value) {
            top.value[top.key] = std::move(value);
        }
        top.has_key = false;
    }

    void error(const YAML::Mark& mark, std::string message, std::string help = {})
    {
        error_at(location_of_mark(mark), std::move(message), std::move(help));
    }

    void error_at(const Location& location, std::string message, std::string help = {})
    {
        Diagnostic d;
        d.file = m_source.name;
        d.location = location;
        d.source_line = line_of(m_source.text, location.line);
        d.message = std::move(message);
        d.help = std::move(help);
        m_diagnostics.add(std::move(d));
    }

    const SourceFile& m_source;
    Diagnostics& m_diagnostics;
    std::vector<nlohmann::json> m_documents;
    std::vector<SpanRecord> m_spans;
    std::vector<std::size_t> m_document_span_starts;
    std::vector<Frame> m_frames;
    std::unordered_map<YAML::anchor_t, Anchored> m_anchors;
    std::unordered_map<YAML::anchor_t, std::string> m_anchor_names;
    std::string m_anchor_name; ///< from OnAnchor, for the node event that follows
    std::size_t m_values = 0;
    std::size_t m_copied_values = 0;
    std::size_t m_events = 0;
    const std::size_t m_max_events;
    bool m_document_started = false;
    int m_last_document_start = 0; ///< YAML::Mark::pos of the last document start
};

Diagnostic stop_diagnostic(const SourceFile& source, const Location& location, std::string message, std::string help)
{
    Diagnostic d;
    d.file = source.name;
    d.location = location;
    d.source_line = line_of(source.text, d.location->line);
    d.message = std::move(message);
    d.help = std::move(help);
    return d;
}

} // namespace

std::optional<JsonDocument> parse_yaml(const SourceFile& source, Diagnostics& diagnostics)
{
    // Problems in the content are reported only when the syntax is right: after a syntax error
    // they are more likely its consequences than mistakes of their own.
    Diagnostics content;
    std::istringstream stream(source.text);
    YAML::Parser parser(stream);
    LocatedJsonBuilder builder(source, content);
    try {
        while (parser.HandleNextDocument(builder)) { }
    } catch (const YAML::Exception& e) {
        diagnostics.add(stop_diagnostic(source, location_of_mark(e.mark), fmt::format("invalid YAML: {}", e.msg), ""));
        return std::nullopt;
    } catch (const YamlStop& stop) {
        diagnostics.add(stop_diagnostic(source, stop.location, stop.message, stop.help));
        return std::nullopt;
    }
    if (!content.empty()) {
        for (const Diagnostic& d : content.items()) {
            diagnostics.add(d);
        }
        return std::nullopt;
    }
    JsonDocument document;
    document.file = source.name;
    document.text = source.text;
    std::vector<nlohmann::json>& documents = builder.documents();
    std::vector<SpanRecord>& spans = builder.spans();
    if (documents.size() == 1) {
        document.value = std::move(documents.front());
    } else {
        // Several documents (or none) become an array: each document's pointers move under "/i".
        document.value = nlohmann::json::array();
        const auto& starts = builder.document_span_starts();
        for (std::size_t i = 0; i < documents.size(); ++i) {
            document.value.push_back(std::move(documents[i]));
            const std::size_t end = i + 1 < starts.size() ? starts[i + 1] : spans.size();
            for (std::size_t j = starts[i]; j < end; ++j) {
                spans[j].pointer.insert(0, "/" + std::to_string(i));
            }
        }
    }
    for (SpanRecord& record : spans) {
        (record.key ? document.key_spans : document.value_spans).emplace(std::move(record.pointer), record.span);
    }
    return document;
}

} // namespace mlscale
