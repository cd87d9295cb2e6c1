// Unit tests of the pure client logic (server discovery, settings mapping) with a fake machine.
// Run: npm test   (esbuild compiles to out/, then `node --test out/test/`)
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Host,
  discoverServer,
  expandSettingPath,
  findOnPath,
  logLevelOf,
  nestSettings,
  needsRestart,
  serverSettings,
} from '../src/core';

function fakeHost(executables: string[], over: Partial<Host> = {}): Host & { probed: string[] } {
  const probed: string[] = [];
  return {
    platform: 'linux',
    env: { PATH: '/usr/local/bin:/usr/bin' },
    homedir: '/home/u',
    isExecutable(file: string) {
      probed.push(file);
      return executables.includes(file);
    },
    probed,
    ...over,
  };
}

const EXT = '/ext/pyproject-lsp-0.1.0';
const WS = '/work/proj';

describe('discoverServer', () => {
  test('the setting wins over the bundled binary and PATH', () => {
    const host = fakeHost(['/opt/pls', `${EXT}/server/pyproject-lsp`, '/usr/bin/pyproject-lsp']);
    const found = discoverServer({ settingPath: '/opt/pls', extensionPath: EXT, workspaceFolder: WS }, host);
    assert.deepEqual(found, { ok: true, command: '/opt/pls', source: 'setting' });
  });

  test('a setting that points nowhere is an error naming the path, with no fallback', () => {
    const host = fakeHost([`${EXT}/server/pyproject-lsp`, '/usr/bin/pyproject-lsp']);
    const found = discoverServer({ settingPath: 'bin/pls', extensionPath: EXT, workspaceFolder: WS }, host);
    assert.equal(found.ok, false);
    assert.ok(!found.ok && found.message.includes('/work/proj/bin/pls'), JSON.stringify(found));
    assert.ok(!found.ok && found.message.includes('pyproject-lsp.server.path'));
  });

  test('the bundled binary comes before PATH', () => {
    const host = fakeHost([`${EXT}/server/pyproject-lsp`, '/usr/bin/pyproject-lsp']);
    const found = discoverServer({ settingPath: '', extensionPath: EXT, workspaceFolder: WS }, host);
    assert.deepEqual(found, { ok: true, command: `${EXT}/server/pyproject-lsp`, source: 'bundled' });
  });

  test('PATH is searched in order', () => {
    const host = fakeHost(['/usr/bin/pyproject-lsp', '/usr/local/bin/pyproject-lsp']);
    const found = discoverServer({ settingPath: undefined, extensionPath: EXT, workspaceFolder: undefined }, host);
    assert.deepEqual(found, { ok: true, command: '/usr/local/bin/pyproject-lsp', source: 'path' });
  });

  test('a blank setting counts as unset', () => {
    const host = fakeHost(['/usr/bin/pyproject-lsp']);
    const found = discoverServer({ settingPath: '   ', extensionPath: EXT, workspaceFolder: WS }, host);
    assert.equal(found.ok && found.source, 'path');
  });

  test('nothing found: the message says what to install and which setting to set', () => {
    const host = fakeHost([]);
    const found = discoverServer({ settingPath: '', extensionPath: EXT, workspaceFolder: WS }, host);
    assert.equal(found.ok, false);
    if (found.ok) return;
    for (const hint of ['pip install pyproject-lsp', 'cargo install pyproject-lsp', 'pyproject-lsp.server.path']) {
      assert.ok(found.message.includes(hint), `${hint} missing from: ${found.message}`);
    }
    // It looked in the bundle and on every PATH entry before giving up.
    assert.deepEqual(host.probed, [
      `${EXT}/server/pyproject-lsp`,
      '/usr/local/bin/pyproject-lsp',
      '/usr/bin/pyproject-lsp',
    ]);
  });

  test('Windows: .exe in the bundle, Path with PATHEXT, case-insensitive variable names', () => {
    const ext = 'C:\\ext';
    const host = fakeHost(['C:\\tools\\pyproject-lsp.exe'], {
      platform: 'win32',
      env: { Path: 'C:\\Windows;C:\\tools', PATHEXT: '.COM;.EXE' },
      homedir: 'C:\\Users\\u',
    });
    const found = discoverServer({ settingPath: '', extensionPath: ext, workspaceFolder: undefined }, host);
    assert.deepEqual(found, { ok: true, command: 'C:\\tools\\pyproject-lsp.exe', source: 'path' });
    assert.equal(host.probed[0], 'C:\\ext\\server\\pyproject-lsp.exe');
  });
});

describe('expandSettingPath', () => {
  const host = { platform: 'linux' as const, homedir: '/home/u' };
  test('~ and ${workspaceFolder} are expanded, relative paths resolved against the workspace', () => {
    assert.equal(expandSettingPath('~/bin/pls', host, WS), '/home/u/bin/pls');
    assert.equal(expandSettingPath('${workspaceFolder}/.venv/bin/pyproject-lsp', host, WS), '/work/proj/.venv/bin/pyproject-lsp');
    assert.equal(expandSettingPath('.venv/bin/pyproject-lsp', host, WS), '/work/proj/.venv/bin/pyproject-lsp');
    assert.equal(expandSettingPath('/abs/pls', host, WS), '/abs/pls');
  });
  test('a relative path without a workspace stays as it is', () => {
    assert.equal(expandSettingPath('pls', host, undefined), 'pls');
  });
});

describe('findOnPath', () => {
  test('empty PATH entries are skipped and a missing PATH finds nothing', () => {
    assert.equal(findOnPath(fakeHost(['pyproject-lsp'], { env: { PATH: '::' } })), undefined);
    assert.equal(findOnPath(fakeHost(['/x/pyproject-lsp'], { env: {} })), undefined);
  });
});

describe('serverSettings', () => {
  test('drops client-only keys (server.*, trace.*) and unset paths and URLs', () => {
    const section = {
      server: { path: '/opt/pls' },
      trace: { server: 'verbose' },
      rules: { PP201: 'warning', 'entry-point-unresolved': 'off' },
      index: { url: '', extraUrls: ['https://a.example/simple'] },
      offline: true,
      cache: { dir: '' },
      inlayHints: { latestVersion: false },
      dependencies: { suggestUpdates: true, reportUnused: false },
      classifiers: { sortOnFix: false },
      python: { interpreter: '' },
      sources: { include: ['src/**/*.py'], exclude: [] },
      importMap: { yaml: 'PyYAML' },
      schemas: [{ tool: 'mytool', path: 'schemas/mytool.json' }],
      logLevel: 'debug',
    };
    assert.deepEqual(serverSettings(section), {
      rules: { PP201: 'warning', 'entry-point-unresolved': 'off' },
      index: { extraUrls: ['https://a.example/simple'] },
      offline: true,
      cache: {},
      inlayHints: { latestVersion: false },
      dependencies: { suggestUpdates: true, reportUnused: false },
      classifiers: { sortOnFix: false },
      python: {},
      sources: { include: ['src/**/*.py'], exclude: [] },
      importMap: { yaml: 'PyYAML' },
      schemas: [{ tool: 'mytool', path: 'schemas/mytool.json' }],
      logLevel: 'debug',
    });
  });

  test('a set URL is kept; undefined, null and functions are dropped', () => {
    const section = { index: { url: 'https://pypi.example/simple' }, offline: undefined, logLevel: null, get: () => 1 };
    assert.deepEqual(serverSettings(section), { index: { url: 'https://pypi.example/simple' } });
  });

  test('anything but an object gives empty settings', () => {
    assert.deepEqual(serverSettings(undefined), {});
    assert.deepEqual(serverSettings('x'), {});
    assert.deepEqual(serverSettings([1]), {});
  });

  test('the mapping of every contributed setting covers package.json', () => {
    // Every contributed key maps to a server key except the client-only ones, and each
    // default survives the mapping (so initializationOptions carries the documented default).
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
    const props: Record<string, { default: unknown }> = pkg.contributes.configuration.properties;
    const defaults = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, v.default]));
    const mapped = serverSettings(nestSettings(defaults));
    const expectedServerKeys = [
      'rules', 'index.extraUrls', 'offline', 'inlayHints.latestVersion', 'dependencies.suggestUpdates',
      'dependencies.reportUnused', 'classifiers.sortOnFix', 'sources.include', 'sources.exclude', 'importMap',
      'schemas', 'logLevel', 'index.url', 'cache.dir', 'python.interpreter',
    ];
    for (const key of expectedServerKeys) {
      assert.ok(`pyproject-lsp.${key}` in props, `setting pyproject-lsp.${key} is not contributed`);
    }
    for (const key of Object.keys(props)) {
      const short = key.slice('pyproject-lsp.'.length);
      assert.ok(expectedServerKeys.includes(short) || /^(server|trace)\./.test(short), `unexpected setting ${key}`);
    }
    assert.equal(mapped.offline, false);
    assert.deepEqual(mapped.inlayHints, { latestVersion: true });
    assert.deepEqual(mapped.dependencies, { suggestUpdates: true, reportUnused: false });
    assert.equal(mapped.logLevel, 'warn');
    assert.equal('server' in mapped || 'trace' in mapped, false);
  });
});

describe('nestSettings', () => {
  test('dotted keys become nested objects; other sections are ignored', () => {
    assert.deepEqual(
      nestSettings({ 'pyproject-lsp.index.url': 'u', 'pyproject-lsp.offline': true, 'editor.fontSize': 3 }),
      { index: { url: 'u' }, offline: true },
    );
  });
});

test('only a change of the server binary restarts the server', () => {
  assert.equal(needsRestart((s) => s === 'pyproject-lsp.server'), true);
  assert.equal(needsRestart((s) => s === 'pyproject-lsp.rules'), false);
});

test('log lines keep their level', () => {
  assert.equal(logLevelOf('2026-11-25T05:00:00Z  WARN pyproject_lsp::index: slow'), 'warn');
  assert.equal(logLevelOf('ERROR pyproject_lsp: cannot read cache'), 'error');
  assert.equal(logLevelOf(' DEBUG x'), 'debug');
  assert.equal(logLevelOf('listening on stdio'), 'info');
  // A level word deep inside a message is not the line's level.
  assert.equal(logLevelOf(`${'x'.repeat(60)} ERROR`), 'info');
});
