// Validates JSON files against a JSON Schema 2020-12 with ajv (an independent implementation),
// printing "FILE valid" or "FILE invalid" per file; a file that does not parse is invalid.
// Usage: node validate.js SCHEMA FILE...
const path = require("path");
const fs = require("fs");
const tools = path.join(__dirname, "..", "tools", "node_modules");
const Ajv2020 = require(path.join(tools, "ajv", "dist", "2020")).default;

const [schemaFile, ...files] = process.argv.slice(2);
const ajv = new Ajv2020({ allErrors: true, strict: true });
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaFile, "utf8")));
for (const file of files) {
  let verdict = "invalid";
  try {
    verdict = validate(JSON.parse(fs.readFileSync(file, "utf8"))) ? "valid" : "invalid";
  } catch (e) {
    verdict = "invalid";
  }
  console.log(`${file} ${verdict}`);
}
