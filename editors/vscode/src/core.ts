// The extension's pure logic: where the server binary is, and what settings the server gets.
// Nothing here imports `vscode`, so `node --test` runs it directly (test/core.test.ts).
import * as path from 'node:path';

/** The configuration section; every setting is `pyproject-lsp.<key>`. */
export const SECTION = 'pyproject-lsp';
export const BINARY = 'pyproject-lsp';

/** Keys under the section that configure the client, not the server; never sent to it. */
const CLIENT_ONLY = new Set(['server', 'trace']);

/** Keys whose empty string means "not set, let the server decide". */
const EMPTY_MEANS_UNSET = new Set(['index.url', 'cache.dir', 'python.interpreter']);

/** What the discovery needs from the machine; tests pass a fake. */
export interface Host {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  homedir: string;
  /** True when `file` exists and may be executed. */
  isExecutable(file: string): boolean;
}

export type ServerSource = 'setting' | 'bundled' | 'path';

export type Discovery =
  | { ok: true; command: string; source: ServerSource }
  | { ok: false; message: string };

export interface DiscoveryInput {
  /** The `pyproject-lsp.server.path` setting ('' when unset). */
  settingPath: string | undefined;
  /** The extension's install directory (holds `server/` in a platform-specific .vsix). */
  extensionPath: string;
  /** The first workspace folder, for relative paths and `${workspaceFolder}`. */
  workspaceFolder: string | undefined;
}

export function exeName(platform: NodeJS.Platform): string {
  return platform === 'win32' ? `${BINARY}.exe` : BINARY;
}

function pathApi(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** Expands `~` and `${workspaceFolder}`, and resolves a relative path against the workspace. */
export function expandSettingPath(
  raw: string,
  host: Pick<Host, 'platform' | 'homedir'>,
  workspaceFolder: string | undefined,
): string {
  const p = pathApi(host.platform);
  let value = raw.trim();
  if (workspaceFolder) value = value.split('${workspaceFolder}').join(workspaceFolder);
  if (value === '~') value = host.homedir;
  else if (value.startsWith('~/') || value.startsWith('~\\')) value = p.join(host.homedir, value.slice(2));
  if (!p.isAbsolute(value) && workspaceFolder) value = p.resolve(workspaceFolder, value);
  return value;
}

/** Looks a binary up on PATH the way the platform's shell would (PATHEXT on Windows). */
export function findOnPath(host: Host): string | undefined {
  const p = pathApi(host.platform);
  const win = host.platform === 'win32';
  // Windows environment names are case-insensitive: Path is as common as PATH.
  const envValue = (name: string): string | undefined => {
    if (!win) return host.env[name];
    const key = Object.keys(host.env).find((k) => k.toUpperCase() === name);
    return key === undefined ? undefined : host.env[key];
  };
  const dirs = (envValue('PATH') ?? '').split(win ? ';' : ':').filter((d) => d !== '');
  const exts = win
    ? (envValue('PATHEXT') ?? '.EXE;.CMD;.BAT;.COM').split(';').filter((e) => e !== '')
    : [''];
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = p.join(dir, BINARY + ext.toLowerCase());
      if (host.isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

export const INSTALL_HINT =
  'Install it with `pip install pyproject-lsp` (or `uv tool install pyproject-lsp`, ' +
  '`cargo install pyproject-lsp`), or set `pyproject-lsp.server.path` to the executable.';

/**
 * Finds the server: the `pyproject-lsp.server.path` setting, else the binary shipped in a
 * platform-specific .vsix (`server/pyproject-lsp[.exe]`), else `pyproject-lsp` on PATH.
 * A setting that points nowhere is an error, not a reason to fall back: the user asked for it.
 */
export function discoverServer(input: DiscoveryInput, host: Host): Discovery {
  const p = pathApi(host.platform);
  const setting = (input.settingPath ?? '').trim();
  if (setting !== '') {
    const command = expandSettingPath(setting, host, input.workspaceFolder);
    if (host.isExecutable(command)) return { ok: true, command, source: 'setting' };
    return {
      ok: false,
      message:
        `pyproject-lsp: the server set in \`pyproject-lsp.server.path\` does not exist or is not executable: ${command}. ` +
        'Fix the setting or clear it to use the bundled server or the one on PATH.',
    };
  }
  const bundled = p.join(input.extensionPath, 'server', exeName(host.platform));
  if (host.isExecutable(bundled)) return { ok: true, command: bundled, source: 'bundled' };
  const onPath = findOnPath(host);
  if (onPath) return { ok: true, command: onPath, source: 'path' };
  return {
    ok: false,
    message: `pyproject-lsp: the language server \`${BINARY}\` was not found on PATH. ${INSTALL_HINT}`,
  };
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The server's settings from the extension's configuration section (the nested object VS Code
 * gives for `pyproject-lsp`): without the client-only keys (`server.*`, `trace.*`), without
 * unset values (undefined, null, '' for paths and URLs), and as plain JSON.
 * Sent as `initializationOptions` and as the answer to `workspace/configuration`.
 */
export function serverSettings(section: unknown): { [key: string]: Json } {
  const walk = (value: unknown, prefix: string): Json | undefined => {
    if (value === undefined || value === null || typeof value === 'function') return undefined;
    if (typeof value === 'string') return value === '' && EMPTY_MEANS_UNSET.has(prefix) ? undefined : value;
    if (typeof value === 'number' || typeof value === 'boolean') return value;
    if (Array.isArray(value)) {
      return value.map((v) => walk(v, `${prefix}[]`)).filter((v): v is Json => v !== undefined);
    }
    if (!isObject(value)) return undefined;
    const out: { [key: string]: Json } = {};
    for (const [key, v] of Object.entries(value)) {
      const full = prefix === '' ? key : `${prefix}.${key}`;
      if (prefix === '' && CLIENT_ONLY.has(key)) continue;
      const mapped = walk(v, full);
      if (mapped !== undefined) out[key] = mapped;
    }
    return out;
  };
  const result = walk(section, '');
  return isObject(result) ? (result as { [key: string]: Json }) : {};
}

/**
 * Flat dotted keys (as VS Code's settings.json or the contributed configuration list them)
 * to the nested object, e.g. { 'index.url': 'u' } -> { index: { url: 'u' } }. Keys that do not
 * start with the section are ignored.
 */
export function nestSettings(flat: Record<string, unknown>, section = SECTION): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [fullKey, value] of Object.entries(flat)) {
    if (!fullKey.startsWith(`${section}.`)) continue;
    const parts = fullKey.slice(section.length + 1).split('.');
    let node = out;
    for (const part of parts.slice(0, -1)) {
      if (!isObject(node[part])) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]] = value;
  }
  return out;
}

/** True when a configuration change needs a new server process, not just new settings. */
export function needsRestart(changed: (section: string) => boolean): boolean {
  return changed(`${SECTION}.server`);
}

export type LogLevel = 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * The level of one line of the server's stderr log (`... WARN pyproject_lsp::index: ...`), so
 * that the output channel shows warnings as warnings rather than every stderr line as an error.
 * The level word must appear as a word within the first 48 characters; otherwise it is info.
 */
export function logLevelOf(line: string): LogLevel {
  const m = /\b(ERROR|WARN(?:ING)?|INFO|DEBUG|TRACE)\b/.exec(line.slice(0, 48));
  if (!m) return 'info';
  const word = m[1];
  if (word.startsWith('WARN')) return 'warn';
  return word.toLowerCase() as LogLevel;
}
