// The Tenet extension: starts `tenet lsp` over stdio and hands it every `.tenet` file.
// Highlighting comes from the TextMate grammar; everything else (diagnostics, hover,
// completion, go to definition, formatting, code lenses) comes from the language server.

import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

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
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "tenet" },
      { scheme: "untitled", language: "tenet" },
    ],
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

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("Tenet");
  context.subscriptions.push(output);
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
