// Validates CSAF 2.0 documents with BSI's csaf-validator-lib: the strict OASIS JSON schema (with the
// FIRST CVSS schemas) and every mandatory test of section 6.1. Prints one JSON line per document.
// Usage: node validate-csaf.mjs <validator package directory> <document.json>...
// Without documents it reads their paths from standard input, one a line, and answers each in turn
// (the tests keep one validator running: loading its schemas takes ten seconds).
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import readline from 'node:readline'
import { pathToFileURL } from 'node:url'

const [, , lib, ...files] = process.argv
const load = (name) => import(pathToFileURL(path.join(lib, name)).href)
const { default: validateStrict } = await load('validateStrict.js')
const mandatory = await load('mandatoryTests.js')
const { csaf_2_0_strict } = await load('schemaTests.js')
const tests = [csaf_2_0_strict, ...Object.values(mandatory)]

const validate = async (file) => {
  const document = JSON.parse(await readFile(file, 'utf8'))
  const result = await validateStrict(tests, document)
  const failures = result.tests
    .filter((t) => t.errors.length > 0)
    .map((t) => ({ test: t.name, errors: t.errors.map((e) => `${e.instancePath}: ${e.message}`) }))
  console.log(JSON.stringify({ file: path.basename(file), isValid: result.isValid, tests: result.tests.length, failures }))
}

if (files.length > 0) {
  for (const file of files) await validate(file)
} else {
  for await (const line of readline.createInterface({ input: process.stdin })) {
    if (line.trim() !== '') await validate(line.trim())
  }
}
