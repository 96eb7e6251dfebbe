// Validates JSON files against a JSON Schema 2020-12 with ajv (an independent implementation),
// printing "FILE valid" or "FILE invalid" per file; a file that does not parse is invalid.
// Usage: node validate.js [--ref SCHEMA]... SCHEMA FILE...   (--ref: schemas the main one $refs)
const path = require("path");
const fs = require("fs");
const tools = path.join(__dirname, "..", "tools", "node_modules");
const Ajv2020 = require(path.join(tools, "ajv", "dist", "2020")).default;

const args = process.argv.slice(2);
const refs = [];
while (args[0] === "--ref") {
  refs.push(args[1]);
  args.splice(0, 2);
}
const [schemaFile, ...files] = args;
const ajv = new Ajv2020({ allErrors: true, strict: true });
ajv.addKeyword("x-aliases"); // mlscale's annotation: other names for an enum value, for "did you mean" (docs/job.md)
for (const ref of refs) ajv.addSchema(JSON.parse(fs.readFileSync(ref, "utf8")));
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaFile, "utf8")));
for (const file of files) {
  let verdict = "invalid";
  try {
    verdict = validate(JSON.parse(fs.readFileSync(file, "utf8"))) ? "valid" : "invalid";
    if (verdict === "invalid") console.error(`${file}: ${ajv.errorsText(validate.errors)}`);
  } catch (e) {
    verdict = "invalid";
  }
  console.log(`${file} ${verdict}`);
}
