// The Tenet extension: starts `tenet lsp` over stdio and hands it every `.tenet` file, and
// the YAML, JSON and TOML documents inside Tenet projects (folders with a `tenet.toml`, found
// in the workspace, watched for, and looked for above each document opened). Highlighting
// comes from the TextMate grammar; everything else (diagnostics, hover, completion, go to
// definition, formatting, code lenses) comes from the language server.

import * as path from "node:path";
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";
import { documentSelector, isDocumentFile, projectFolders, projectOf } from "./projects";

let client: LanguageClient | undefined;

/** The `tenet.toml` files known: the client's document selector is made from their folders. */
const manifests = new Set<string>();

/** A pending restart, so that several changes to the projects restart the server once. */
let restartTimer: NodeJS.Timeout | undefined;

/** The executable named by the `tenet.path` setting (`tenet` on PATH by default). */
function tenetPath(): string {
  const configured = vscode.workspace.getConfiguration("tenet").get<string>("path");
  const trimmed = configured?.trim();
  return trimmed ? trimmed : "tenet";
}

function createClient(output: vscode.OutputChannel): LanguageClient {
  const command = tenetPath();
  const serverOptions: ServerOptions = {
    run: { command, args: ["lsp"], transport: TransportKind.stdio },
    debug: { command, args: ["lsp"], transport: TransportKind.stdio },
  };
  const folders = projectFolders(manifests);
  output.appendLine(`Tenet projects: ${folders.length === 0 ? "none" : folders.join(", ")}`);
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(folders),
    synchronize: {
      // The server reads manifests and sample documents named in tenet.toml.
      fileEvents: vscode.workspace.createFileSystemWatcher("**/{tenet.toml,*.tenet}"),
    },
    outputChannel: output,
  };
  return new LanguageClient("tenet", "Tenet", serverOptions, clientOptions);
}

async function start(output: vscode.OutputChannel): Promise<void> {
  client = createClient(output);
  try {
    await client.start();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    void vscode.window.showErrorMessage(
      `Tenet: could not start \`${tenetPath()} lsp\` (${message}). ` +
        "Install tenet or set `tenet.path` to its location.",
    );
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running !== undefined) {
    await running.stop();
  }
}

/** Restarts the server with a new document selector when the project folders change. */
function projectsChanged(output: vscode.OutputChannel, before: string[]): void {
  const after = projectFolders(manifests);
  if (after.join("\n") === before.join("\n")) {
    return;
  }
  if (restartTimer !== undefined) {
    clearTimeout(restartTimer);
  }
  restartTimer = setTimeout(() => {
    restartTimer = undefined;
    void stop().then(() => start(output));
  }, 300);
}

/** The `tenet.toml` of the project a YAML, JSON or TOML document opened from disk is in. */
function manifestOf(document: vscode.TextDocument): string | undefined {
  if (document.uri.scheme !== "file" || !isDocumentFile(document.uri.fsPath)) {
    return undefined;
  }
  const project = projectOf(document.uri.fsPath);
  return project === undefined ? undefined : path.join(project, "tenet.toml");
}

/** Adds the project of a document opened (maybe from outside the workspace's folders). */
function noteDocument(document: vscode.TextDocument, output: vscode.OutputChannel): void {
  const manifest = manifestOf(document);
  if (manifest !== undefined && !manifests.has(manifest)) {
    const before = projectFolders(manifests);
    manifests.add(manifest);
    projectsChanged(output, before);
  }
}

/** Finds the workspace's projects and keeps watching for new and removed ones. */
async function watchProjects(context: vscode.ExtensionContext, output: vscode.OutputChannel): Promise<void> {
  const found = await vscode.workspace.findFiles("**/tenet.toml", "**/{node_modules,target,.git}/**");
  for (const uri of found) {
    manifests.add(uri.fsPath);
  }
  for (const document of vscode.workspace.textDocuments) {
    const manifest = manifestOf(document);
    if (manifest !== undefined) {
      manifests.add(manifest);
    }
  }
  const watcher = vscode.workspace.createFileSystemWatcher("**/tenet.toml");
  context.subscriptions.push(watcher);
  watcher.onDidCreate((uri) => {
    const before = projectFolders(manifests);
    manifests.add(uri.fsPath);
    projectsChanged(output, before);
  });
  watcher.onDidDelete((uri) => {
    const before = projectFolders(manifests);
    manifests.delete(uri.fsPath);
    projectsChanged(output, before);
  });
  context.subscriptions.push(vscode.workspace.onDidOpenTextDocument((document) => noteDocument(document, output)));
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("Tenet");
  context.subscriptions.push(output);
  await watchProjects(context, output);
  context.subscriptions.push(
    vscode.commands.registerCommand("tenet.restartServer", async () => {
      await stop();
      await start(output);
    }),
  );
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("tenet.path")) {
        await stop();
        await start(output);
      }
    }),
  );
  await start(output);
}

export async function deactivate(): Promise<void> {
  await stop();
}
