// Build step: compiles the catalogue (profiles/*.json) and the rules' fact schema (every job field
// of docs/job.schema.json and every fact of rules/facts.json, with its type) to C++, so that
// mlscale builds them from tables instead of parsing 170 KB of JSON and deriving the schema at
// every start.
//
//   mlscale_compile_tables PROFILES_DIR CATALOGUE.cpp FACT_SCHEMA.cpp
//
// The directory is loaded the way `--catalogue` loads a user's: every field's type, every figure's
// source, every "extends" and GPU name are checked, and any problem fails the build with the
// usual file:line:column diagnostics. The fact schema is the one fact_schema() derives from the
// embedded files of this build. CATALOGUE.cpp defines mlscale::compiled_catalogue() and
// FACT_SCHEMA.cpp mlscale::compiled_fact_schema(); each is rewritten only when its text changes.
// Every field of the catalogue's structs is written from the struct's own field list
// (include/mlscale/catalogue.hpp): nothing here names a field.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <fmt/format.h>

#include "mlscale/catalogue.hpp"
#include "mlscale/diagnostics.hpp"
#include "mlscale/rules.hpp"

namespace {

using mlscale::Catalogue;

// A C++ string literal for `text` (UTF-8 bytes kept as they are, control characters escaped).
std::string literal(std::string_view text)
{
    std::string out = "\"";
    for (const char c : text) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\t':
            out += "\\t";
            break;
        case '?':
            out += "\\?";
            break; // never a trigraph
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                out += fmt::format("\\{:03o}", static_cast<unsigned char>(c));
            } else {
                out += c;
            }
        }
    }
    return out + "\"";
}

// The shortest text that reads back as the same double.
std::string number(double value)
{
    if (!std::isfinite(value)) {
        throw std::runtime_error(fmt::format("{} is not a finite number", value)); // the loader never yields one
    }
    std::string text = fmt::format("{}", value);
    if (text.find_first_of(".eE") == std::string::npos) {
        text += ".0";
    }
    return text;
}

// A C++ expression that builds `value`, one overload per field type the catalogue's structs use.
// Structs are built field by field from their own field list (`fields()`), so a field added to a
// struct's list is compiled with no change here.
std::string expr(const std::string& value)
{
    return literal(value);
}
std::string expr(double value)
{
    return number(value);
}
std::string expr(int value)
{
    return std::to_string(value);
}
std::string expr(std::int64_t value)
{
    return fmt::format("std::int64_t{{{}}}", value);
}
std::string expr(bool value)
{
    return value ? "true" : "false";
}
std::string expr(const std::array<std::int64_t, 2>& value)
{
    return fmt::format("std::array<std::int64_t, 2>{{{}, {}}}", value[0], value[1]);
}

template <typename T> constexpr const char* type_name()
{
    using namespace mlscale;
    if constexpr (std::is_same_v<T, double>) {
        return "double";
    } else if constexpr (std::is_same_v<T, bool>) {
        return "bool";
    } else if constexpr (std::is_same_v<T, std::int64_t>) {
        return "std::int64_t";
    } else if constexpr (std::is_same_v<T, std::array<std::int64_t, 2>>) {
        return "std::array<std::int64_t, 2>";
    } else if constexpr (std::is_same_v<T, int>) {
        return "int";
    } else if constexpr (std::is_same_v<T, std::string>) {
        return "std::string";
    } else if constexpr (std::is_same_v<T, GpuSpec>) {
        return "GpuSpec";
    } else if constexpr (std::is_same_v<T, InstanceSpec>) {
        return "InstanceSpec";
    } else if constexpr (std::is_same_v<T, ModelSpec>) {
        return "ModelSpec";
    } else if constexpr (std::is_same_v<T, FsxDeployment>) {
        return "FsxDeployment";
    } else if constexpr (std::is_same_v<T, StoragePrices>) {
        return "StoragePrices";
    } else if constexpr (std::is_same_v<T, StorageFacts>) {
        return "StorageFacts";
    } else if constexpr (std::is_same_v<T, Price>) {
        return "Price";
    } else {
        static_assert(std::is_same_v<T, void>, "add the type's name here");
        return "";
    }
}

template <typename T> std::string expr(const std::optional<T>& value);
template <typename T> std::string expr(const std::vector<T>& values);
template <typename K, typename V> std::string expr(const std::map<K, V>& values);
template <typename Spec>
concept HasFields = requires
{
    Spec::fields([](const mlscale::Field&, auto) {});
};
template <HasFields Spec> std::string expr(const Spec& spec);

template <typename T> std::string expr(const std::optional<T>& value)
{
    return value ? fmt::format("std::make_optional<{}>({})", type_name<T>(), expr(*value)) : "std::nullopt";
}

template <typename T> std::string expr(const std::vector<T>& values)
{
    std::string out = fmt::format("std::vector<{}>{{", type_name<T>());
    for (const auto& value : values) {
        out += "\n        " + expr(value) + ",";
    }
    return out + "}";
}

template <typename K, typename V> std::string expr(const std::map<K, V>& values)
{
    std::string out = fmt::format("std::map<{}, {}>{{", type_name<K>(), type_name<V>());
    for (const auto& [key, value] : values) {
        out += fmt::format("{{{}, {}}}, ", expr(key), expr(value));
    }
    return out + "}";
}

// A struct, built in a lambda from every field of its list (derived ones included: the compiled
// catalogue holds what loading gives).
// (Each nesting level names its variable apart: x0, x1, ... so no lambda shadows another.)
int g_struct_depth = 0;

template <HasFields Spec> std::string expr(const Spec& spec)
{
    const std::string x = fmt::format("x{}", g_struct_depth++);
    std::string out = fmt::format("[] {{ {} {}; ", type_name<Spec>(), x);
    Spec::fields([&](const mlscale::Field& field, auto member) { out += fmt::format("{}.{} = {}; ", x, field.name, expr(spec.*member)); });
    --g_struct_depth;
    return out + fmt::format("return {}; }}()", x);
}

std::string emit(const Catalogue& catalogue)
{
    std::string out = "// Generated by src/tools/compile_tables.cpp from profiles/*.json: do not edit.\n"
                      "#include \"mlscale/catalogue.hpp\"\n\n"
                      "namespace mlscale {\n\n"
                      "Catalogue compiled_catalogue()\n{\n"
                      "    Catalogue c;\n";
    Catalogue::fields([&](const mlscale::Field& field, auto member) { out += fmt::format("    c.{} = {};\n", field.name, expr(catalogue.*member)); });
    out += "    for (auto& instance : c.instances) {\n"
           "        if (!instance.gpu.empty()) {\n"
           "            instance.gpu_spec = c.find_gpu(instance.gpu);\n"
           "        }\n"
           "    }\n"
           "    return c;\n}\n\n} // namespace mlscale\n";
    return out;
}

std::string type_literal(mlscale::expr::Type type)
{
    switch (type) {
    case mlscale::expr::Type::Number:
        return "expr::Type::Number";
    case mlscale::expr::Type::String:
        return "expr::Type::String";
    case mlscale::expr::Type::Bool:
        return "expr::Type::Bool";
    case mlscale::expr::Type::List:
        return "expr::Type::List";
    case mlscale::expr::Type::Any:
        return "expr::Type::Any";
    }
    return "expr::Type::Any";
}

std::string emit_fact_schema(const mlscale::expr::MapSchema& schema)
{
    std::string out = "// Generated by src/tools/compile_tables.cpp from docs/job.schema.json and rules/facts.json: do not\n"
                      "// edit.\n#include \"mlscale/rules.hpp\"\n\nnamespace mlscale {\n\n"
                      "expr::MapSchema compiled_fact_schema()\n{\n    return expr::MapSchema({\n";
    for (const auto& path : schema.known_paths()) {
        out += fmt::format("        {{{}, {}}},\n", literal(path), type_literal(schema.path_type(path).value_or(mlscale::expr::Type::Any)));
    }
    out += "    });\n}\n\n} // namespace mlscale\n";
    return out;
}

// Writes `text` to `path` only when it differs from what is there, so an unchanged catalogue
// leaves the generated file's time alone and nothing that includes it is compiled again. The new
// text goes to a temporary file renamed into place: an interrupted build leaves no half file.
bool write_if_changed(const std::string& path, const std::string& text)
{
    {
        std::ifstream in(path, std::ios::binary);
        const std::string old((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (in && old == text) {
            return true;
        }
    }
    const std::string temporary = path + ".tmp";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << text;
        if (!out.flush()) {
            std::cerr << "mlscale_compile_tables: cannot write " << temporary << "\n";
            return false;
        }
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        std::cerr << "mlscale_compile_tables: cannot rename " << temporary << " to " << path << "\n";
        return false;
    }
    return true;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc != 4) {
        std::cerr << "usage: mlscale_compile_tables PROFILES_DIR CATALOGUE.cpp FACT_SCHEMA.cpp\n";
        return 2;
    }
    mlscale::Diagnostics diagnostics;
    const auto catalogue = mlscale::load_catalogue(argv[1], diagnostics);
    for (const auto& d : diagnostics.items()) {
        std::cerr << mlscale::format_diagnostic(d);
    }
    if (!catalogue) {
        std::cerr << "mlscale_compile_tables: the catalogue in " << argv[1] << " has errors; nothing written\n";
        return 1;
    }
    const bool written = write_if_changed(argv[2], emit(*catalogue)) && write_if_changed(argv[3], emit_fact_schema(mlscale::fact_schema()));
    return written ? 0 : 1;
}
