// Validates CSAF 2.0 documents with BSI's csaf-validator-lib: the strict OASIS JSON schema (with the
// FIRST CVSS schemas) and every mandatory test of section 6.1. Prints one JSON line per document.
// Usage: node validate-csaf.mjs <validator package directory> <document.json>...
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

const [, , lib, ...files] = process.argv
const load = (name) => import(pathToFileURL(path.join(lib, name)).href)
const { default: validateStrict } = await load('validateStrict.js')
const mandatory = await load('mandatoryTests.js')
const { csaf_2_0_strict } = await load('schemaTests.js')
const tests = [csaf_2_0_strict, ...Object.values(mandatory)]

for (const file of files) {
  const document = JSON.parse(await readFile(file, 'utf8'))
  const result = await validateStrict(tests, document)
  const failures = result.tests
    .filter((t) => t.errors.length > 0)
    .map((t) => ({ test: t.name, errors: t.errors.map((e) => `${e.instancePath}: ${e.message}`) }))
  console.log(JSON.stringify({ file: path.basename(file), isValid: result.isValid, tests: result.tests.length, failures }))
}
