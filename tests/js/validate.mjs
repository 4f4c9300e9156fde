// Validate JSON documents against one exported schema with ajv (JSON Schema 2020-12, strict).
// Usage: node validate.mjs SCHEMA.json < documents.jsonl
// Prints one JSON line per document: {"valid": bool, "errors": [{"pointer", "keyword", "message"}]}
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const schema = JSON.parse(readFileSync(process.argv[2], "utf8"));
// Strict mode, with the project's annotation keywords declared (docs/schemas.md).
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
ajv.addVocabulary(["x-npcs-codelist", "x-npcs-codes"]);
const validate = ajv.compile(schema);

const input = readFileSync(0, "utf8").split("\n").filter((line) => line.trim() !== "");
for (const line of input) {
  const ok = validate(JSON.parse(line));
  const errors = (validate.errors || []).map((e) => ({
    pointer: e.instancePath,
    keyword: e.keyword,
    message: e.message,
  }));
  process.stdout.write(JSON.stringify({ valid: ok, errors }) + "\n");
}
