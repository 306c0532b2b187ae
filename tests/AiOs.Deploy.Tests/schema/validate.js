// Reads a JSON array of Kubernetes objects on stdin and prints one line per problem ("Kind/name: problem"); exits 1 when
// there is any. Two checks:
//  1. The object's kubernetes-models class validates it against the Kubernetes OpenAPI schema (types, required fields).
//  2. Unknown fields: those schemas allow extra properties (so a misspelt `readinesProbe` would pass and be silently
//     ignored by the API server), so every key is also checked against the properties the package's type declarations
//     (.d.ts) list for that type, recursively.
'use strict';
const fs = require('fs');
const path = require('path');

const modelsRoot = path.dirname(require.resolve('kubernetes-models/package.json'));
const nodeModules = path.dirname(modelsRoot);
const declarations = new Map();

// Properties of the interface declared in a .d.ts file: name -> declared type, and where its imports come from.
function declaration(file) {
  if (!declarations.has(file)) {
    const text = fs.readFileSync(file, 'utf8');
    const imports = new Map();
    for (const m of text.matchAll(/import \{ (\w+) \} from "([^"]+)";/g)) imports.set(m[1], m[2]);
    const body = text.match(/export interface \w+(?: extends \w+)? \{([\s\S]*?)\n\}/);
    const properties = new Map();
    if (body) {
      // One property per line at four spaces; a map type ("{ [key: string]: ... }") spans lines and is not descended into.
      for (const m of body[1].matchAll(/^ {4}"([^"]+)"\??: (.*?);?$/gm)) properties.set(m[1], m[2]);
    }
    declarations.set(file, { dir: path.dirname(file), imports, properties });
  }
  return declarations.get(file);
}

function resolveImport(fromDir, specifier) {
  return (specifier.startsWith('.') ? path.resolve(fromDir, specifier) : path.join(nodeModules, specifier)) + '.d.ts';
}

function checkUnknown(value, file, where, problems) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  const decl = declaration(file);
  for (const [key, child] of Object.entries(value)) {
    const type = decl.properties.get(key);
    if (type === undefined) {
      problems.push(`unknown field ${where}.${key}`);
      continue;
    }
    const element = type.match(/^Array<(\w+)>$/);
    const name = element ? element[1] : type;
    const source = decl.imports.get(name);
    if (!source || source === '@kubernetes-models/base') continue; // a scalar, a map or an int-or-string
    const target = resolveImport(decl.dir, source);
    if (element && Array.isArray(child)) {
      child.forEach((item, i) => checkUnknown(item, target, `${where}.${key}[${i}]`, problems));
    } else {
      checkUnknown(child, target, `${where}.${key}`, problems);
    }
  }
}

const objects = JSON.parse(fs.readFileSync(0, 'utf8'));
const problems = [];
for (const object of objects) {
  const label = `${object.kind}/${object.metadata && object.metadata.name}`;
  // "apps/v1" -> kubernetes-models/apps/v1/Deployment; core "v1" -> kubernetes-models/v1/Service.
  const modulePath = path.join(modelsRoot, object.apiVersion, object.kind);
  let Model;
  try {
    Model = require(modulePath)[object.kind];
  } catch {
    problems.push(`${label}: no schema for ${object.apiVersion} ${object.kind}`);
    continue;
  }
  try {
    new Model(object).validate();
  } catch (error) {
    problems.push(`${label}: ${error.message}`);
  }
  const found = [];
  checkUnknown(object, modulePath + '.d.ts', object.kind, found);
  for (const p of found) problems.push(`${label}: ${p}`);
}
for (const p of problems) console.log(p);
console.error(`validate.js: ${objects.length} objects, ${problems.length} problems`);
process.exit(problems.length === 0 ? 0 : 1);
