// Checks a packaged extension (`npm run package` writes tenet.vsix): the VSIX manifest names
// the extension, and the archive holds everything package.json points at, the runtime
// dependency, and nothing of the sources or tests. Usage: node test/vsix.mjs tenet.vsix
import { readFileSync } from "node:fs";
import { inflateRawSync } from "node:zlib";
import assert from "node:assert/strict";

/** The entries of a ZIP archive, by name, read from its central directory. */
function readZip(bytes) {
  let end = bytes.length - 22;
  while (end >= 0 && bytes.readUInt32LE(end) !== 0x06054b50) end--;
  assert.ok(end >= 0, "not a ZIP archive: no end of central directory");
  const count = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  const entries = new Map();
  for (let i = 0; i < count; i++) {
    assert.equal(bytes.readUInt32LE(at), 0x02014b50, "a central directory entry");
    const method = bytes.readUInt16LE(at + 10);
    const compressed = bytes.readUInt32LE(at + 20);
    const nameLength = bytes.readUInt16LE(at + 28);
    const extraLength = bytes.readUInt16LE(at + 30);
    const commentLength = bytes.readUInt16LE(at + 32);
    const local = bytes.readUInt32LE(at + 42);
    const name = bytes.subarray(at + 46, at + 46 + nameLength).toString("utf8");
    entries.set(name, () => {
      assert.equal(bytes.readUInt32LE(local), 0x04034b50, `a local header for ${name}`);
      const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
      const data = bytes.subarray(start, start + compressed);
      return method === 8 ? inflateRawSync(data) : Buffer.from(data);
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

const file = process.argv[2] ?? "tenet.vsix";
const zip = readZip(readFileSync(file));
const text = (name) => {
  assert.ok(zip.has(name), `${file} has ${name}`);
  return zip.get(name)().toString("utf8");
};

const source = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const manifest = text("extension.vsixmanifest");
assert.match(manifest, new RegExp(`<Identity [^>]*Id="${source.name}"`));
assert.match(manifest, new RegExp(`<Identity [^>]*Version="${source.version.replaceAll(".", "\\.")}"`));
assert.match(manifest, new RegExp(`<Identity [^>]*Publisher="${source.publisher}"`));
assert.match(manifest, /Microsoft\.VisualStudio\.Code/);
assert.match(text("[Content_Types].xml"), /Types/);

const packaged = JSON.parse(text("extension/package.json"));
assert.equal(packaged.name, source.name);
assert.equal(packaged.version, source.version);
assert.deepEqual(packaged.contributes, source.contributes, "the contributions are packaged as written");
const main = packaged.main.replace(/^\.\//, "");
assert.match(text(`extension/${main}`), /tenet/, "the compiled client is packaged");
assert.match(text(`extension/${main}`), /\blsp\b/, "the client starts `tenet lsp`");
assert.match(text("extension/out/projects.js"), /tenet\.toml/, "the project finder is packaged");
assert.deepEqual(packaged.activationEvents, source.activationEvents, "the activation events are packaged as written");
assert.ok(packaged.activationEvents.includes("workspaceContains:**/tenet.toml"), "it starts in a workspace with a project");
for (const grammar of packaged.contributes.grammars) {
  const json = JSON.parse(text(`extension/${grammar.path.replace(/^\.\//, "")}`));
  assert.equal(json.scopeName, grammar.scopeName);
}
for (const language of packaged.contributes.languages) {
  JSON.parse(text(`extension/${language.configuration.replace(/^\.\//, "")}`));
}
for (const dependency of Object.keys(source.dependencies)) {
  assert.ok(zip.has(`extension/node_modules/${dependency}/package.json`), `the runtime dependency ${dependency} is packaged`);
}
const names = [...zip.keys()];
for (const unwanted of [/^extension\/src\//, /^extension\/test\//, /tsconfig\.json$/, /\.map$/, /\.vsix$/]) {
  assert.ok(!names.some((n) => unwanted.test(n)), `${file} leaves out ${unwanted}`);
}
for (const devDependency of Object.keys(source.devDependencies)) {
  assert.ok(!zip.has(`extension/node_modules/${devDependency}/package.json`), `${devDependency} is not packaged`);
}
console.log(`${file}: ${names.length} files; manifest, client, grammar, language configuration and runtime dependencies check out`);
