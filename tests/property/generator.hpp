// Schema-valid jobs, generated from docs/job.schema.json itself: the generator walks the schema the
// loader runs (every object, every field, every enum value, the bounds of every number, absent and
// null), so a field added to the schema is generated the day it is added. What the schema cannot
// say comes from the catalogue (instance types, model names, families, rule codes for suppressions)
// and from a few scenario overlays for combinations a uniform walk rarely draws (a multi-node setup
// today, no target, a tiny or a huge dataset, telemetry present).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "choices.hpp"
#include "mlscale/catalogue.hpp"

namespace mlscale::property {

/// One leaf field of the schema: a value that is not an object (arrays are leaves).
struct LeafField {
    std::string pointer; ///< e.g. /dataset/size_gb; array items of objects as /suppress/*/rule
    const nlohmann::json* schema = nullptr;
};

/// What a seeded run drew, to show that the generator covers the schema (the ctest asserts it).
struct Coverage {
    std::set<std::string> fields;                             ///< leaf pointers generated with a non-null value
    std::map<std::string, std::set<std::string>> enum_values; ///< pointer -> enum values drawn (dumped JSON)
    std::set<std::string> current_instances;                  ///< catalogue instances drawn as today's setup
    std::map<std::string, int> scenarios;                     ///< overlay -> jobs
};

class JobGenerator {
public:
    /// `schema`: the job schema (job_schema_json()); `rule_codes`: codes a suppression may name.
    JobGenerator(const nlohmann::json& schema, const Catalogue& catalogue, std::vector<std::string> rule_codes);

    /// One job. Deterministic: the same answers from `choices` give the same job.
    [[nodiscard]] nlohmann::json generate(ChoiceSource& choices, Coverage* coverage = nullptr) const;

    /// Every leaf field of the schema, in schema order.
    [[nodiscard]] const std::vector<LeafField>& leaves() const
    {
        return m_leaves;
    }

    /// The legal values of one leaf the differential field test tries: every enum value, the
    /// bounds, a typical value, true/false, catalogue names; never "absent" (the caller adds it).
    [[nodiscard]] std::vector<nlohmann::json> legal_values(const LeafField& leaf) const;

    /// Makes a job the loader will accept where a rule of the loader goes beyond the schema
    /// (today: the split percentages add up to at most 100). Returns what it changed, if anything.
    static std::string satisfy_loader_rules(nlohmann::json& job);

private:
    nlohmann::json value(const nlohmann::json& node, const std::string& pointer, ChoiceSource& choices, int density) const;
    nlohmann::json object(const nlohmann::json& node, const std::string& pointer, ChoiceSource& choices, int density) const;
    nlohmann::json string_value(const nlohmann::json& node, const std::string& pointer, ChoiceSource& choices) const;
    [[nodiscard]] const std::vector<nlohmann::json>* hint(const std::string& pointer) const;
    void overlay(nlohmann::json& job, ChoiceSource& choices, Coverage* coverage) const;
    void cohere(nlohmann::json& job, ChoiceSource& choices) const;
    void collect_leaves(const nlohmann::json& node, const std::string& pointer);
    void record_coverage(const nlohmann::json& value, const std::string& pointer, Coverage& coverage) const;

    const nlohmann::json& m_schema;
    const Catalogue& m_catalogue;
    std::vector<std::string> m_rule_codes;
    std::vector<LeafField> m_leaves;
    std::map<std::string, std::vector<nlohmann::json>> m_hints; ///< pointer ("*" for array items) -> values
};

/// Numbers for a number or integer schema: its bounds, 0, 1, huge values, and a typical value.
nlohmann::json generate_number(const nlohmann::json& node, ChoiceSource& choices);

/// Whether `v` is within the bounds of a number or integer schema.
bool number_is_legal(const nlohmann::json& node, double v);

/// The boundary values of a number or integer schema (used by the differential field test).
std::vector<nlohmann::json> boundary_numbers(const nlohmann::json& node);

/// The pointer with array indices replaced by "*" (/suppress/0/rule -> /suppress/*/rule).
std::string generic_pointer(const std::string& pointer);

} // namespace mlscale::property
