// Which files the Tenet language server is given: `.tenet` files everywhere, and YAML, JSON
// and TOML documents only inside Tenet projects (a folder with a `tenet.toml`, or below one).
// Other YAML, JSON and TOML files are left to the extensions that own them.
//
// This module does not import `vscode`, so the tests run it under plain Node.

import * as fs from "node:fs";
import * as path from "node:path";

/** The documents of a project the server is given, relative to the project's folder. */
export const DOCUMENT_GLOB = "**/*.{yaml,yml,json,toml}";

/** The extensions of the documents in `DOCUMENT_GLOB`. */
export const DOCUMENT_EXTENSIONS = [".yaml", ".yml", ".json", ".toml"];

/** A document filter as the language client takes it. VS Code matches a `pattern` against
 * the document's absolute path. */
export interface DocumentFilter {
  scheme: string;
  language?: string;
  pattern?: string;
}

/** Whether `file` is a YAML, JSON or TOML document by its name. */
export function isDocumentFile(file: string): boolean {
  return DOCUMENT_EXTENSIONS.includes(path.extname(file).toLowerCase());
}

/** The folder of the nearest `tenet.toml` at or above the folder of `file`, if any. */
export function projectOf(
  file: string,
  exists: (candidate: string) => boolean = fs.existsSync,
): string | undefined {
  let dir = path.dirname(path.resolve(file));
  for (;;) {
    if (exists(path.join(dir, "tenet.toml"))) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      return undefined;
    }
    dir = parent;
  }
}

/** The project folders of `manifests` (paths of `tenet.toml` files), without repeats or
 * folders inside another one (its pattern already covers them), sorted. */
export function projectFolders(manifests: Iterable<string>): string[] {
  const folders = [...new Set([...manifests].map((m) => path.dirname(path.resolve(m))))].sort();
  return folders.filter((folder) => !folders.some((other) => other !== folder && isInside(folder, other)));
}

/** Whether `folder` is `other` or below it. */
function isInside(folder: string, other: string): boolean {
  const relative = path.relative(other, folder);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

/** The glob of the documents under `folder`: its path with `/` separators and glob
 * characters made literal (`[*]`), then `DOCUMENT_GLOB`. */
export function documentPattern(folder: string): string {
  const literal = path
    .resolve(folder)
    .split(path.sep)
    .join("/")
    .replace(/[*?{}[]/g, (c) => `[${c}]`);
  return `${literal.replace(/\/$/, "")}/${DOCUMENT_GLOB}`;
}

/** The documents the server is given: `.tenet` files (saved or not), and the YAML, JSON and
 * TOML files under each project folder. */
export function documentSelector(folders: Iterable<string>): DocumentFilter[] {
  const selector: DocumentFilter[] = [
    { scheme: "file", language: "tenet" },
    { scheme: "untitled", language: "tenet" },
  ];
  for (const folder of folders) {
    selector.push({ scheme: "file", pattern: documentPattern(folder) });
  }
  return selector;
}
