// Validates SARIF files against the SARIF 2.1.0 JSON Schema shipped inside the multitool package
// (the multitool's own `validate` runs its rules but reports nothing for schema violations).
// Usage: node sarif_schema.js SCHEMA FILE...
const path = require("path");
const fs = require("fs");
const tools = path.join(__dirname, "..", "tools", "node_modules");
const Ajv = require(path.join(tools, "ajv", "dist", "2020")).default;
const addFormats = require(path.join(tools, "ajv-formats"));
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(process.argv[2], "utf8")));
let failed = 0;
for (const file of process.argv.slice(3)) {
  if (!validate(JSON.parse(fs.readFileSync(file, "utf8")))) {
    failed++;
    for (const e of validate.errors) console.error(`${file}: ${e.instancePath} ${e.message}`);
  }
}
process.exit(failed ? 1 : 0);
