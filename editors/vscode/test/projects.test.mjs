// Which files the extension hands the language server (`npm run compile` first; then
// `npm run test:unit`): a YAML, JSON or TOML document inside a Tenet project is selected, one
// outside is not, and `.tenet` files always are. VS Code matches a filter's `pattern` against
// the document's absolute path with its glob matcher; `path.matchesGlob` stands in for it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import projects from "../out/projects.js";

const { documentSelector, documentPattern, projectFolders, projectOf, isDocumentFile } = projects;

/** Whether a selector selects a file as VS Code would (scheme `file`, by language or pattern). */
function selects(selector, file, language) {
  return selector.some(
    (filter) =>
      filter.scheme === "file" &&
      (filter.language === undefined || filter.language === language) &&
      (filter.pattern === undefined || path.matchesGlob(file, filter.pattern)),
  );
}

/** A workspace with a project (`tenet.toml` at its top), a nested folder in it, and a
 * folder beside it that is no project. */
function workspace() {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), "tenet-vscode-")));
  const project = path.join(root, "compliance");
  mkdirSync(path.join(project, "contracts", "2026"), { recursive: true });
  mkdirSync(path.join(root, "deploy"), { recursive: true });
  writeFileSync(path.join(project, "tenet.toml"), '[package]\nname = "acme"\nversion = "0.1.0"\n');
  const files = {
    contract: path.join(project, "contracts", "2026", "vendor.yaml"),
    config: path.join(project, "systems.json"),
    toml: path.join(project, "contracts", "loop.toml"),
    outside: path.join(root, "deploy", "values.yaml"),
    outsideJson: path.join(root, "deploy", "package.json"),
    policy: path.join(root, "deploy", "rules.tenet"),
  };
  for (const file of Object.values(files)) {
    writeFileSync(file, "kind: Contract\n");
  }
  return { root, project, files };
}

test("a document inside a project is selected and one outside is not", () => {
  const { root, project, files } = workspace();
  try {
    assert.equal(projectOf(files.contract), project);
    assert.equal(projectOf(files.toml), project);
    assert.equal(projectOf(files.outside), undefined);
    const selector = documentSelector(projectFolders([path.join(project, "tenet.toml")]));
    assert.ok(selects(selector, files.contract, "yaml"), "a YAML two folders down in the project");
    assert.ok(selects(selector, files.config, "json"), "a JSON at the project's top");
    assert.ok(selects(selector, files.toml, "plaintext"), "a TOML, whatever language VS Code gives it");
    assert.ok(!selects(selector, files.outside, "yaml"), "a YAML beside the project");
    assert.ok(!selects(selector, files.outsideJson, "json"), "a JSON beside the project");
    assert.ok(selects(selector, files.policy, "tenet"), "a policy anywhere");
    // A folder that merely starts like the project's is not inside it.
    assert.ok(!selects(selector, `${project}-old/contract.yaml`, "yaml"));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("without a project no document is selected", () => {
  const { root, files } = workspace();
  try {
    const selector = documentSelector(projectFolders([]));
    assert.ok(!selects(selector, files.contract, "yaml"));
    assert.ok(selects(selector, files.policy, "tenet"));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("nested and repeated projects give one pattern each outermost folder", () => {
  const folders = projectFolders(["/w/a/tenet.toml", "/w/a/sub/tenet.toml", "/w/a/tenet.toml", "/w/ab/tenet.toml"]);
  assert.deepEqual(folders, ["/w/a", "/w/ab"]);
});

test("glob characters in a folder's name are literal", () => {
  const pattern = documentPattern("/w/[draft] {q1}");
  assert.ok(path.matchesGlob("/w/[draft] {q1}/c.yaml", pattern), pattern);
  assert.ok(!path.matchesGlob("/w/d {q1}/c.yaml", pattern), pattern);
});

test("only YAML, JSON and TOML files are documents", () => {
  for (const file of ["a.yaml", "a.YML", "a.json", "a.toml"]) assert.ok(isDocumentFile(file), file);
  for (const file of ["a.tenet", "a.md", "yaml"]) assert.ok(!isDocumentFile(file), file);
});
