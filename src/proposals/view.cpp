// Resolving properties across formats, and writing located job fields.
#include "view.hpp"

#include <cctype>
#include <cmath>
#include <fmt/format.h>

namespace mlscale::proposals {

namespace {

std::string fold(std::string_view name)
{
    std::string out;
    out.reserve(name.size());
    for (const char c : name) {
        if (c != '_' && c != '-') {
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
    }
    return out;
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
    if (const auto it = object.find(std::string(name)); it != object.end()) {
        if (actual_key != nullptr) {
            *actual_key = it.key();
        }
        return &*it;
    }
    const std::string folded = fold(name);
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (fold(it.key()) == folded) {
            if (actual_key != nullptr) {
                *actual_key = it.key();
            }
            return &*it;
        }
    }
    return nullptr;
}

Found resolve(const nlohmann::json& value, std::string pointer, const PipelineParameters* parameters)
{
    Found found;
    found.pointer = std::move(pointer);
    if (value.is_null()) {
        return found;
    }
    if (is_unknown_value(value)) {
        found.state = Found::State::Unknown;
        return found;
    }
    if (is_intrinsic(value)) {
        const std::string& key = value.begin().key();
        const nlohmann::json& inner = value.begin().value();
        if (key == "Ref" && inner == "AWS::NoValue") {
            return found;
        }
        if (key == "Fn::ToJsonString") {
            return resolve(inner, found.pointer + "/Fn::ToJsonString", parameters);
        }
        if (key == "Fn::Sub" && inner.is_string() && inner.get<std::string>().find("${") == std::string::npos) {
            found.state = Found::State::Known;
            found.value = inner;
            return found;
        }
        if (key == "Get" && inner.is_string() && parameters != nullptr && inner.get<std::string>().rfind("Parameters.", 0) == 0) {
            const auto it = parameters->find(inner.get<std::string>().substr(11));
            if (it != parameters->end() && !it->second.is_null()) {
                found.state = Found::State::Known;
                found.value = it->second;
                return found;
            }
        }
        found.state = Found::State::Unknown;
        return found;
    }
    found.state = Found::State::Known;
    found.value = value;
    return found;
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
    Found current = resolve(*m_value, m_pointer, m_parameters);
    std::size_t start = 0;
    if (!current.known() && !path.empty()) {
        current.unknown_parent = current.state == Found::State::Unknown;
        return current;
    }
    while (start < path.size() && current.known()) {
        const auto slash = path.find('/', start);
        const std::string_view token = path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
        start = slash == std::string_view::npos ? path.size() : slash + 1;
        nlohmann::json node = std::move(current.value);
        const bool numeric = !token.empty() && token.find_first_not_of("0123456789") == std::string_view::npos;
        if (node.is_array() && !numeric) {
            // Terraform blocks are one-element lists in plans (and in our HCL reading).
            if (node.empty()) {
                current.state = Found::State::Absent;
                return current;
            }
            current.pointer += "/0";
            node = nlohmann::json(node[0]);
            Found inner = resolve(node, current.pointer, m_parameters);
            if (!inner.known()) {
                inner.unknown_parent = inner.state == Found::State::Unknown;
                return inner;
            }
            node = std::move(inner.value);
        }
        if (numeric && node.is_array()) {
            const std::size_t index = std::stoul(std::string(token));
            if (index >= node.size()) {
                current.state = Found::State::Absent;
                return current;
            }
            current = resolve(node[index], current.pointer + "/" + std::string(token), m_parameters);
            continue;
        }
        std::string key;
        const nlohmann::json* member = find_member(node, token, &key);
        if (member == nullptr) {
            // Step Functions: "Key.$" takes the value from the execution input at run time.
            if (node.is_object() && (node.contains(std::string(token) + ".$"))) {
                current.state = Found::State::Unknown;
                current.unknown_parent = start < path.size();
                current.pointer += "/" + escape_pointer_token(std::string(token) + ".$");
                return current;
            }
            current.state = Found::State::Absent;
            return current;
        }
        current = resolve(*member, current.pointer + "/" + escape_pointer_token(key), m_parameters);
        current.unknown_parent = current.state == Found::State::Unknown && start < path.size();
    }
    return current;
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

void UnitBuilder::put(const std::string& job_pointer, nlohmann::json value, const Found& from)
{
    set_at(m_unit.job, job_pointer, std::move(value));
    m_unit.sources[job_pointer] = from.present() ? source_ref(m_view.document(), from.pointer) : m_unit.resource_ref;
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
    return value.is_string() ? fmt::format("\"{}\"", value.get<std::string>()) : value.dump();
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

Found UnitBuilder::enumeration(const std::string& job_pointer, std::string_view path, const EnumSpec& spec,
    std::optional<nlohmann::json> absent_default)
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
            if (fold(entry.first) == fold(text)) {
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
    const bool shaped = dot != std::string::npos && dot > 0 && dot + 1 < bare.size() &&
                        bare.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-.") == std::string::npos;
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
