// The VS Code client: finds the pyproject-lsp binary, starts it over stdio for files named
// pyproject.toml, passes the `pyproject-lsp.*` settings, and offers a restart command.
// The decisions live in ./core (no `vscode` import there), which the unit tests run.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as readline from 'node:readline';
import type { Readable } from 'node:stream';
import * as vscode from 'vscode';
import {
  LanguageClient,
  type LanguageClientOptions,
  RevealOutputChannelOn,
  type ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';
import { type Host, SECTION, discoverServer, logLevelOf, needsRestart, serverSettings } from './core';

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel;
// Restarts and configuration changes can overlap; each one waits for the previous.
let queue: Promise<void> = Promise.resolve();

const host: Host = {
  platform: process.platform,
  env: process.env,
  homedir: os.homedir(),
  isExecutable(file: string): boolean {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  },
};

function currentSettings(): ReturnType<typeof serverSettings> {
  return serverSettings(vscode.workspace.getConfiguration().get(SECTION));
}

function forwardLines(input: Readable, channel: vscode.LogOutputChannel): void {
  readline
    .createInterface({ input, crlfDelay: Infinity, terminal: false, historySize: 0 })
    .on('line', (line) => channel[logLevelOf(line)](line));
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const found = discoverServer(
    {
      settingPath: vscode.workspace.getConfiguration(SECTION).get<string>('server.path'),
      extensionPath: context.extensionPath,
      workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    },
    host,
  );
  if (!found.ok) {
    output.error(found.message);
    void vscode.window.showErrorMessage(found.message, 'Open Settings', 'Show Log').then((choice) => {
      if (choice === 'Open Settings') {
        void vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.server.path`);
      } else if (choice === 'Show Log') {
        output.show();
      }
    });
    return;
  }
  output.info(`starting server: ${found.command} --stdio (found by ${found.source})`);

  // transport: stdio makes the client pass `--stdio`, which the server accepts.
  const serverOptions: ServerOptions = {
    run: { command: found.command, transport: TransportKind.stdio },
    debug: { command: found.command, transport: TransportKind.stdio },
  };
  const clientOptions: LanguageClientOptions = {
    // Only files named pyproject.toml: other TOML files are not ours.
    documentSelector: [{ scheme: 'file', pattern: '**/pyproject.toml' }],
    initializationOptions: currentSettings(),
    synchronize: {
      configurationSection: SECTION,
      fileEvents: vscode.workspace.createFileSystemWatcher('**/{*.py,pyproject.toml}'),
    },
    outputChannel: output,
    // The server's log goes to stderr; keep its levels instead of showing every line as an error.
    stdioOptions: { stdout: forwardLines, stderr: forwardLines },
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    middleware: {
      workspace: {
        // Answer the server's workspace/configuration with the same shape as initializationOptions.
        configuration: async (params, token, next) => {
          const result = await next(params, token);
          if (!Array.isArray(result)) return result;
          return result.map((value, i) => (params.items[i]?.section === SECTION ? serverSettings(value) : value));
        },
      },
    },
  };
  // The id 'pyproject-lsp' makes the `pyproject-lsp.trace.server` setting apply.
  const next = new LanguageClient('pyproject-lsp', 'pyproject-lsp', serverOptions, clientOptions);
  try {
    await next.start();
  } catch (e) {
    const message = `pyproject-lsp: the server failed to start (${found.command}): ${e instanceof Error ? e.message : String(e)}`;
    output.error(message);
    void vscode.window.showErrorMessage(message, 'Show Log').then((c) => c && output.show());
    await next.dispose().catch(() => undefined);
    return;
  }
  client = next;
  const info = next.initializeResult?.serverInfo;
  output.info(`server started: ${info?.name ?? '?'} ${info?.version ?? ''}`.trimEnd());
}

async function stop(): Promise<void> {
  const old = client;
  client = undefined;
  if (!old) return;
  try {
    await old.stop(2000);
  } catch (e) {
    output.warn(`stopping the server: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function restart(context: vscode.ExtensionContext): Promise<void> {
  queue = queue.then(async () => {
    await stop();
    await start(context);
  });
  return queue;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('pyproject-lsp', { log: true });
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('pyproject-lsp.restart', () => restart(context)),
    vscode.commands.registerCommand('pyproject-lsp.showOutput', () => output.show()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      // Settings reach a running server through synchronize.configurationSection; only a
      // different binary needs a new process.
      if (needsRestart((s) => e.affectsConfiguration(s))) void restart(context);
    }),
  );
  queue = start(context);
  await queue;
}

export async function deactivate(): Promise<void> {
  await stop();
}
