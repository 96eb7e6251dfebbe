// "Nothing accepted and ignored" (issue 15, item 3): every leaf field of docs/job.schema.json is
// read — varying it alone changes the advice of some base job (differential), or a rule's
// condition reads it (static, from the compiled expressions) — or docs/job.md lists it as
// informational, or tests/property/pending-fields.txt lists it with the reason it must be read
// (and then varying it must not change the plan yet: the pending list only shrinks).
#pragma once

#include <string>

namespace mlscale::property {

struct FieldOptions {
    std::string pending;
    std::string job_doc;
    int bases = 8;    ///< generated base jobs per field, besides the examples
    std::string only; ///< one field (JSON pointer), for investigating
};

int run_fields(const FieldOptions& options);

} // namespace mlscale::property
