// Resolving properties across formats, and writing located job fields.
#include "view.hpp"

#include <cctype>
#include <cmath>
#include <fmt/format.h>

namespace mlscale::proposals {

namespace {

// Whether two names are equal ignoring ASCII case, '_' and '-' ("InstanceType", "instance_type").
bool same_folded(std::string_view a, std::string_view b)
{
    const auto skip = [](std::string_view s, std::size_t i) {
        while (i < s.size() && (s[i] == '_' || s[i] == '-')) {
            ++i;
        }
        return i;
    };
    std::size_t i = skip(a, 0);
    std::size_t j = skip(b, 0);
    while (i < a.size() && j < b.size()) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[j]))) {
            return false;
        }
        i = skip(a, i + 1);
        j = skip(b, j + 1);
    }
    return i == a.size() && j == b.size();
}

bool is_intrinsic(const nlohmann::json& value)
{
    if (!value.is_object() || value.size() != 1) {
        return false;
    }
    const std::string& key = value.begin().key();
    return key == "Ref" || key == "Condition" || key.rfind("Fn::", 0) == 0 || key == "Get" || key.rfind("Std:", 0) == 0;
}

} // namespace

const nlohmann::json* find_member(const nlohmann::json& object, std::string_view name, std::string* actual_key)
{
    if (!object.is_object()) {
        return nullptr;
    }
    const auto& members = object.get_ref<const nlohmann::json::object_t&>();
    if (const auto it = members.find(name); it != members.end()) {
        if (actual_key != nullptr) {
            *actual_key = it->first;
        }
        return &it->second;
    }
    for (const auto& [key, value] : members) {
        if (same_folded(key, name)) {
            if (actual_key != nullptr) {
                *actual_key = key;
            }
            return &value;
        }
    }
    return nullptr;
}

namespace {

// resolve() without copying: the known value stays where it is (in the document, or in the
// pipeline parameters), and `pointer` is extended in place.
struct Resolved {
    Found::State state = Found::State::Absent;
    const nlohmann::json* value = nullptr;
    std::string assumed; ///< non-empty when the value is a default standing in for a deploy-time value
};

constexpr const char* k_assumed_key = "\x01assumed";

bool is_assumed_value(const nlohmann::json& value)
{
    return value.is_object() && value.size() == 2 && value.contains(k_assumed_key) && value.contains("value");
}

Resolved resolve_in_place(const nlohmann::json& value, std::string& pointer, const PipelineParameters* parameters)
{
    if (value.is_null()) {
        return {};
    }
    if (is_unknown_value(value)) {
        return {Found::State::Unknown, nullptr, {}};
    }
    if (is_assumed_value(value)) {
        return {Found::State::Known, &value.at("value"), value.at(k_assumed_key).get<std::string>()};
    }
    if (is_intrinsic(value)) {
        const std::string& key = value.begin().key();
        const nlohmann::json& inner = value.begin().value();
        if (key == "Ref" && inner == "AWS::NoValue") {
            return {};
        }
        if (key == "Fn::ToJsonString") {
            pointer += "/Fn::ToJsonString";
            return resolve_in_place(inner, pointer, parameters);
        }
        if (key == "Fn::Sub" && inner.is_string() && inner.get_ref<const std::string&>().find("${") == std::string::npos) {
            return {Found::State::Known, &inner, {}};
        }
        if (key == "Get" && inner.is_string() && parameters != nullptr && inner.get_ref<const std::string&>().rfind("Parameters.", 0) == 0) {
            const std::string name = inner.get_ref<const std::string&>().substr(11);
            const auto it = parameters->pipeline.find(name);
            if (it != parameters->pipeline.end() && !it->second.is_null()) {
                return {Found::State::Known, &it->second, fmt::format("the DefaultValue of pipeline parameter {}", name)};
            }
        }
        if (key == "Ref" && inner.is_string() && parameters != nullptr) {
            // A template parameter judged by its Default: what is deployed when nobody overrides it.
            const auto it = parameters->cloudformation.find(inner.get<std::string>());
            if (it != parameters->cloudformation.end() && !it->second.is_null()) {
                return {Found::State::Known, &it->second, fmt::format("the Default of parameter {}", it->first)};
            }
        }
        return {Found::State::Unknown, nullptr, {}};
    }
    return {Found::State::Known, &value, {}};
}

} // namespace

Found resolve(const nlohmann::json& value, std::string pointer, const PipelineParameters* parameters)
{
    Found found;
    found.pointer = std::move(pointer);
    const Resolved resolved = resolve_in_place(value, found.pointer, parameters);
    found.state = resolved.state;
    if (resolved.state == Found::State::Known) {
        found.value = *resolved.value;
        found.assumed = resolved.assumed;
    }
    return found;
}

nlohmann::json assumed_value(nlohmann::json value, std::string why)
{
    return nlohmann::json{{k_assumed_key, std::move(why)}, {"value", std::move(value)}};
}

ResourceView::ResourceView(const JsonDocument& document, std::string pointer, const PipelineParameters* parameters)
    : m_document(document), m_pointer(std::move(pointer)), m_value(&document.value), m_parameters(parameters)
{
    static const nlohmann::json null_value;
    try {
        m_value = &document.value.at(nlohmann::json::json_pointer(m_pointer));
    } catch (const nlohmann::json::exception&) {
        m_value = &null_value;
    }
}

ResourceView ResourceView::at(const std::string& relative_pointer) const
{
    return ResourceView(m_document, m_pointer + relative_pointer, m_parameters);
}

Found ResourceView::get(std::string_view path) const
{
    Found best;
    best.pointer = m_pointer;
    std::size_t start = 0;
    while (start <= path.size()) {
        const auto bar = path.find('|', start);
        const std::string_view one = path.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start);
        Found found = get_one(one);
        if (found.present()) {
            return found;
        }
        if (best.pointer == m_pointer) {
            best.pointer = found.pointer;
        }
        if (bar == std::string_view::npos) {
            break;
        }
        start = bar + 1;
    }
    return best;
}

Found ResourceView::get_one(std::string_view path) const
{
    // Walks by reference and copies only the value found.
    Found out;
    out.pointer = m_pointer;
    Resolved current = resolve_in_place(*m_value, out.pointer, m_parameters);
    const auto done = [&]() {
        out.state = current.state;
        if (current.state == Found::State::Known) {
            out.value = *current.value;
            out.assumed = current.assumed;
        }
        return out;
    };
    if (current.state != Found::State::Known && !path.empty()) {
        out.unknown_parent = current.state == Found::State::Unknown;
        return done();
    }
    std::size_t start = 0;
    while (start < path.size() && current.state == Found::State::Known) {
        const auto slash = path.find('/', start);
        const std::string_view token = path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
        start = slash == std::string_view::npos ? path.size() : slash + 1;
        const nlohmann::json* node = current.value;
        const bool numeric = !token.empty() && token.find_first_not_of("0123456789") == std::string_view::npos;
        if (node->is_array() && !numeric) {
            // Terraform blocks are one-element lists in plans (and in our HCL reading).
            if (node->empty()) {
                out.state = Found::State::Absent;
                return out;
            }
            out.pointer += "/0";
            std::string inner_pointer = out.pointer;
            const Resolved inner = resolve_in_place((*node)[0], inner_pointer, m_parameters);
            if (inner.state != Found::State::Known) {
                out.pointer = std::move(inner_pointer);
                out.state = inner.state;
                out.unknown_parent = inner.state == Found::State::Unknown;
                return out;
            }
            node = inner.value;
        }
        if (numeric && node->is_array()) {
            const std::size_t index = std::stoul(std::string(token));
            if (index >= node->size()) {
                out.state = Found::State::Absent;
                return out;
            }
            out.pointer += '/';
            out.pointer += token;
            current = resolve_in_place((*node)[index], out.pointer, m_parameters);
            out.unknown_parent = false;
            continue;
        }
        std::string key;
        const nlohmann::json* member = find_member(*node, token, &key);
        if (member == nullptr) {
            // Step Functions: "Key.$" takes the value from the execution input at run time.
            if (node->is_object() && (node->contains(std::string(token) + ".$"))) {
                out.state = Found::State::Unknown;
                out.unknown_parent = start < path.size();
                out.pointer += "/" + escape_pointer_token(std::string(token) + ".$");
                return out;
            }
            out.state = Found::State::Absent;
            return out;
        }
        out.pointer += '/';
        out.pointer += escape_pointer_token(key);
        current = resolve_in_place(*member, out.pointer, m_parameters);
        out.unknown_parent = current.state == Found::State::Unknown && start < path.size();
    }
    return done();
}

namespace {

/// The pieces of a value built at deploy time: (text, literal?). False for shapes not understood.
bool image_segments(const nlohmann::json& value, std::vector<std::pair<std::string, bool>>& out, int depth = 0)
{
    if (depth > 8) {
        return false;
    }
    if (value.is_string()) {
        out.emplace_back(value.get<std::string>(), true);
        return true;
    }
    if (is_unknown_value(value)) {
        out.emplace_back("${…}", false);
        return true;
    }
    if (!is_intrinsic(value)) {
        return false;
    }
    const std::string& key = value.begin().key();
    const nlohmann::json& inner = value.begin().value();
    if (key == "Fn::Join" && inner.is_array() && inner.size() == 2 && inner[0].is_string() && inner[1].is_array()) {
        for (std::size_t i = 0; i < inner[1].size(); ++i) {
            if (i > 0) {
                out.emplace_back(inner[0].get<std::string>(), true);
            }
            if (!image_segments(inner[1][i], out, depth + 1)) {
                return false;
            }
        }
        return true;
    }
    if (key == "Fn::Sub" && (inner.is_string() || (inner.is_array() && !inner.empty() && inner[0].is_string()))) {
        const std::string text = inner.is_string() ? inner.get<std::string>() : inner[0].get<std::string>();
        std::size_t at = 0;
        while (at < text.size()) {
            const auto open = text.find("${", at);
            if (open == std::string::npos || text.compare(open, 3, "${!") == 0) {
                out.emplace_back(text.substr(at), true);
                break;
            }
            const auto close = text.find('}', open);
            if (close == std::string::npos) {
                return false;
            }
            out.emplace_back(text.substr(at, open - at), true);
            out.emplace_back(text.substr(open, close + 1 - open), false);
            at = close + 1;
        }
        return true;
    }
    out.emplace_back(key == "Ref" && inner.is_string() ? "${" + inner.get<std::string>() + "}" : std::string("${…}"), false);
    return true;
}

} // namespace

Found image_reference(const ResourceView& view, std::string_view path)
{
    Found found = view.get(path);
    if (found.state != Found::State::Unknown || found.unknown_parent) {
        return found;
    }
    const nlohmann::json* raw = nullptr;
    try {
        raw = &view.document().value.at(nlohmann::json::json_pointer(found.pointer));
    } catch (const nlohmann::json::exception&) {
        return found;
    }
    std::vector<std::pair<std::string, bool>> segments;
    if (!image_segments(*raw, segments)) {
        return found;
    }
    // The literal run at the end decides: a ':' after its last '/' is a tag; a '/' with no ':'
    // after it means no tag; anything else depends on the unknown parts.
    std::string tail;
    std::string rendered;
    for (const auto& [text, literal] : segments) {
        rendered += text;
        tail = literal ? tail + text : std::string();
    }
    const auto colon = tail.rfind(':');
    const auto slash = tail.rfind('/');
    const bool tagged = colon != std::string::npos && (slash == std::string::npos || colon > slash);
    const bool untagged = slash != std::string::npos && (colon == std::string::npos || colon < slash);
    if (tagged || untagged) {
        found.state = Found::State::Known;
        found.value = rendered;
    }
    return found;
}

SourceRef source_ref(const JsonDocument& document, const std::string& pointer)
{
    SourceRef ref;
    ref.path = pointer;
    document.ensure_positions();
    if (const auto key = document.key_spans.find(pointer); key != document.key_spans.end()) {
        ref.location = key->second.begin;
    }
    if (const auto span = document.locate(pointer)) {
        if (document.key_spans.find(pointer) == document.key_spans.end() || document.value_spans.count(pointer) != 0) {
            ref.location = span->begin;
        }
    }
    return ref;
}

void set_at(nlohmann::json& target, const std::string& pointer, nlohmann::json value)
{
    target[nlohmann::json::json_pointer(pointer)] = std::move(value);
}

namespace {
std::string describe(const nlohmann::json& value);
}

void UnitBuilder::put(const std::string& job_pointer, nlohmann::json value, const Found& from)
{
    set_at(m_unit.job, job_pointer, std::move(value));
    m_unit.sources[job_pointer] = from.present() ? source_ref(m_view.document(), from.pointer) : m_unit.resource_ref;
    if (!from.assumed.empty()) {
        // Findings on this field quote the assumption (check_source adds it to the message).
        const std::string property = from.pointer.substr(from.pointer.find_last_of('/') + 1);
        m_unit.assumptions[job_pointer] = fmt::format("{} = {}, {}", property, describe(from.value), from.assumed);
    } else {
        m_unit.assumptions.erase(job_pointer);
    }
}

void UnitBuilder::put_default(const std::string& job_pointer, nlohmann::json value)
{
    set_at(m_unit.job, job_pointer, std::move(value));
    m_unit.sources[job_pointer] = m_unit.resource_ref;
}

Found UnitBuilder::string(const std::string& job_pointer, std::string_view path)
{
    Found found = m_view.get(path);
    if (found.known()) {
        if (found.value.is_string()) {
            put(job_pointer, found.value, found);
        } else if (found.value.is_number()) {
            put(job_pointer, found.value.dump(), found);
        }
    }
    return found;
}

namespace {

std::optional<bool> as_bool(const nlohmann::json& value)
{
    if (value.is_boolean()) {
        return value.get<bool>();
    }
    if (value.is_string()) {
        const std::string text = value.get<std::string>();
        if (text == "true" || text == "True" || text == "TRUE") {
            return true;
        }
        if (text == "false" || text == "False" || text == "FALSE") {
            return false;
        }
    }
    return std::nullopt;
}

std::string describe(const nlohmann::json& value)
{
    return value.is_string() ? fmt::format("\"{}\"", value.get<std::string>()) : value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace

std::optional<double> as_number(const nlohmann::json& value)
{
    if (value.is_number()) {
        return value.get<double>();
    }
    if (value.is_string()) {
        const std::string text = value.get<std::string>();
        try {
            std::size_t used = 0;
            const double number = std::stod(text, &used);
            // std::stod reads "nan" and "inf", which no property means.
            if (used == text.size() && std::isfinite(number)) {
                return number;
            }
        } catch (const std::exception&) {
            return std::nullopt;
        }
    }
    return std::nullopt;
}

Found UnitBuilder::boolean(const std::string& job_pointer, std::string_view path, std::optional<bool> absent_default)
{
    Found found = m_view.get(path);
    if (found.known()) {
        if (const auto value = as_bool(found.value)) {
            put(job_pointer, *value, found);
        } else {
            error(found, fmt::format("expected true or false, found {}", describe(found.value)));
        }
    } else if (!found.present() && absent_default) {
        put_default(job_pointer, *absent_default);
    }
    return found;
}

Found UnitBuilder::integer(const std::string& job_pointer, std::string_view path)
{
    Found found = m_view.get(path);
    if (found.known()) {
        const auto value = as_number(found.value);
        // The range check first: converting a double outside int64's range is undefined.
        if (value && std::abs(*value) < 9.0e18 && *value == static_cast<double>(static_cast<std::int64_t>(*value))) {
            put(job_pointer, static_cast<std::int64_t>(*value), found);
        } else {
            error(found, fmt::format("expected an integer, found {}", describe(found.value)));
        }
    }
    return found;
}

Found UnitBuilder::number(const std::string& job_pointer, std::string_view path, double scale)
{
    Found found = m_view.get(path);
    if (found.known()) {
        if (const auto value = as_number(found.value)) {
            const double scaled = *value * scale;
            put(job_pointer, std::round(scaled * 1e6) / 1e6, found);
        } else {
            error(found, fmt::format("expected a number, found {}", describe(found.value)));
        }
    }
    return found;
}

Found UnitBuilder::presence(const std::string& job_pointer, std::string_view path, bool absent_means_false)
{
    Found found = m_view.get(path);
    const bool empty_string = found.known() && found.value.is_string() && found.value.get<std::string>().empty();
    if (found.unknown_parent) {
        return found; // the enclosing object is decided at run time: presence unknown
    }
    if (found.exists() && !empty_string) {
        put(job_pointer, true, found);
    } else if (absent_means_false) {
        if (empty_string) {
            put(job_pointer, false, found);
        } else {
            put_default(job_pointer, false);
        }
    }
    return found;
}

Found UnitBuilder::enumeration(const std::string& job_pointer, std::string_view path, const EnumSpec& spec, std::optional<nlohmann::json> absent_default)
{
    Found found = m_view.get(path);
    if (found.known()) {
        const std::string text = found.value.is_string() ? found.value.get<std::string>() : found.value.dump();
        for (const auto& [allowed, mapped] : spec.values) {
            if (text == allowed) {
                if (!job_pointer.empty()) {
                    put(job_pointer, mapped, found);
                }
                return found;
            }
        }
        std::vector<std::string> names;
        std::string case_match;
        for (const auto& entry : spec.values) {
            names.push_back(entry.first);
            if (same_folded(entry.first, text)) {
                case_match = entry.first;
            }
        }
        const std::string last = found.pointer.substr(found.pointer.find_last_of('/') + 1);
        error(found, fmt::format("{} is not a valid value of {}: expected one of {}", describe(found.value), last, fmt::join(names, ", ")),
            case_match.empty() ? std::string() : fmt::format("values are case-sensitive: did you mean \"{}\"?", case_match));
    } else if (!found.present() && absent_default && !job_pointer.empty()) {
        put_default(job_pointer, *absent_default);
    }
    return found;
}

Found UnitBuilder::instance_type(const std::string& job_pointer, std::string_view path, bool require_ml_prefix)
{
    Found found = m_view.get(path);
    if (!found.known()) {
        return found;
    }
    if (!found.value.is_string()) {
        error(found, fmt::format("expected an instance type, found {}", describe(found.value)));
        return found;
    }
    const std::string type = found.value.get<std::string>();
    const std::string bare = type.rfind("ml.", 0) == 0 ? type.substr(3) : type;
    const auto dot = bare.find('.');
    const bool shaped =
        dot != std::string::npos && dot > 0 && dot + 1 < bare.size() && bare.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-.") == std::string::npos;
    if (!shaped || (require_ml_prefix && type.rfind("ml.", 0) != 0)) {
        error(found, fmt::format("\"{}\" is not a SageMaker instance type", type),
            shaped ? fmt::format("SageMaker instance types start with \"ml.\": did you mean \"ml.{}\"?", type) : std::string());
        return found;
    }
    if (!job_pointer.empty()) {
        put(job_pointer, type, found);
    }
    return found;
}

void UnitBuilder::error(const Found& at, std::string message, std::string help)
{
    Diagnostic d = m_view.document().diagnostic_at(at.pointer, std::move(message), std::move(help));
    d.pointer = at.pointer;
    m_diagnostics.add(std::move(d));
}

void UnitBuilder::warning(const Found& at, std::string message, std::string help)
{
    Diagnostic d = m_view.document().diagnostic_at(at.pointer, std::move(message), std::move(help));
    d.level = Level::Warning;
    m_diagnostics.add(std::move(d));
}

} // namespace mlscale::proposals
