// Validate JSON documents against the exported schemas with ajv (JSON Schema 2020-12).
// Usage: node validate.mjs default|strict < requests.jsonl
//   default: `new Ajv2020()` and ajv-formats, nothing declared: what a JavaScript user writes.
//   strict:  `new Ajv2020({ strict: true, allErrors: true })` and ajv-formats.
// Each input line is {"schema": "path/to/x.schema.json", "document": ...}; a line without
// "document" only compiles the schema. Each output line is
// {"schema", "valid", "errors": [{"pointer", "keyword", "message"}], "warnings": [...]},
// where "warnings" is what ajv logged while compiling that schema (the tests want none).
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const mode = process.argv[2];
const options = { default: undefined, strict: { strict: true, allErrors: true } };
if (!(mode in options)) {
  process.stderr.write(`unknown mode ${mode}: use default or strict\n`);
  process.exit(2);
}
const logged = [];
console.warn = (...args) => logged.push(args.join(" "));
console.log = console.warn;

const compiled = new Map();
function validator(file) {
  if (!compiled.has(file)) {
    logged.length = 0;
    const ajv = mode === "default" ? new Ajv2020() : new Ajv2020(options[mode]);
    addFormats(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(file, "utf8")));
    compiled.set(file, { validate, warnings: [...logged] });
  }
  return compiled.get(file);
}

const input = readFileSync(0, "utf8").split("\n").filter((line) => line.trim() !== "");
for (const line of input) {
  const request = JSON.parse(line);
  const { validate, warnings } = validator(request.schema);
  const ok = "document" in request ? validate(request.document) : null;
  const errors = ((ok === false && validate.errors) || []).map((e) => ({
    pointer: e.instancePath,
    keyword: e.keyword,
    message: e.message,
  }));
  process.stdout.write(JSON.stringify({ schema: request.schema, valid: ok, errors, warnings }) + "\n");
}
