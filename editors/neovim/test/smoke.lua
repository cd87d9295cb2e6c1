-- Headless test of editors/neovim/lsp/pyproject_lsp.lua against a real server (Neovim >= 0.11).
-- Run by scripts/test-neovim.sh:
--   nvim --headless --clean -i NONE -u editors/neovim/test/smoke.lua <fixture>/pyproject.toml
-- Env: PYPROJECT_LSP_CMD  server command (words split on spaces; default: the file's own cmd)
--      NVIM_TEST_OTHER    another TOML file that must get no client
--      NVIM_TEST_TIMEOUT  ms per wait (default 20000)
-- Prints one JSON report on stdout; exit 0 when every check passed, else 1.
local here = vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2))
vim.opt.runtimepath:prepend(vim.fs.dirname(here)) -- editors/neovim, which holds lsp/pyproject_lsp.lua
vim.opt.swapfile = false

if vim.env.PYPROJECT_LSP_CMD and vim.env.PYPROJECT_LSP_CMD ~= '' then
  -- The documented way for users to point at another binary.
  vim.lsp.config('pyproject_lsp', { cmd = vim.split(vim.env.PYPROJECT_LSP_CMD, ' ', { trimempty = true }) })
end
vim.lsp.enable('pyproject_lsp')

local timeout = tonumber(vim.env.NVIM_TEST_TIMEOUT or '20000')
local report = { nvim = tostring(vim.version()), checks = {}, failed = {} }

local function check(name, ok, detail)
  report.checks[name] = ok and 'pass' or 'FAIL'
  if not ok then table.insert(report.failed, name .. (detail and (': ' .. detail) or '')) end
  return ok
end

local function finish()
  io.stdout:write(vim.json.encode(report) .. '\n')
  io.stdout:flush()
  vim.schedule(function()
    if #report.failed == 0 then vim.cmd('qall!') else vim.cmd('cquit 1') end
  end)
end

local function client_of(buf)
  return vim.lsp.get_clients({ bufnr = buf, name = 'pyproject_lsp' })[1]
end

local function run()
  local buf = vim.api.nvim_get_current_buf()
  report.file = vim.api.nvim_buf_get_name(buf)
  report.filetype = vim.bo[buf].filetype

  -- 1. The client attaches and the initialize handshake completes.
  local client
  local attached = vim.wait(timeout, function()
    client = client_of(buf)
    return client ~= nil and client.initialized == true
  end, 50)
  if not check('attach', attached, 'server did not attach/initialize') then return finish() end
  report.server = client.server_info
  report.root_dir = client.root_dir
  check('server-name', client.server_info and client.server_info.name == 'pyproject-lsp',
    vim.inspect(client.server_info))

  -- 2. Diagnostics: errors on line 3 (version = "1.0.0.x") and line 5 (requires_python).
  local function error_on(line)
    for _, d in ipairs(vim.diagnostic.get(buf, { severity = vim.diagnostic.severity.ERROR })) do
      if d.lnum == line then return true end
    end
    return false
  end
  vim.wait(timeout, function() return error_on(2) and error_on(4) end, 50)
  report.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(report.diagnostics, {
      line = d.lnum, col = d.col, severity = d.severity, code = d.code, source = d.source, message = d.message,
    })
  end
  check('diagnostic-invalid-version', error_on(2), 'no error on line 3 (version = "1.0.0.x")')
  check('diagnostic-unknown-key', error_on(4), 'no error on line 5 (requires_python)')

  -- 3. Completion inside the empty classifier string on line 7 (0-based 6, character 5).
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = 6, character = 5 },
    context = { triggerKind = 1 },
  }
  local responses, err = vim.lsp.buf_request_sync(buf, 'textDocument/completion', params, timeout)
  local labels = {}
  if err then report.completion_error = tostring(err) end
  for _, resp in pairs(responses or {}) do
    if resp.error then report.completion_error = resp.error.message end
    local items = resp.result and (resp.result.items or resp.result) or {}
    for _, item in ipairs(items) do table.insert(labels, item.label) end
    report.completion_first = report.completion_first or items[1]
  end
  report.completion_count = #labels
  report.completion_sample = vim.list_slice(labels, 1, 5)
  local classifier
  for _, label in ipairs(labels) do
    if label:match('^[%a][%w ]+ :: ') then classifier = label break end
  end
  check('completion-classifier', classifier ~= nil, 'no trove classifier among ' .. #labels .. ' items')
  report.completion_classifier = classifier

  -- 4. Another TOML file (same filetype, same project) gets no client.
  local other = vim.env.NVIM_TEST_OTHER
  if other and other ~= '' then
    vim.cmd.edit(vim.fn.fnameescape(other))
    local obuf = vim.api.nvim_get_current_buf()
    report.other = { file = vim.api.nvim_buf_get_name(obuf), filetype = vim.bo[obuf].filetype }
    check('other-is-toml', vim.bo[obuf].filetype == 'toml', 'filetype ' .. vim.bo[obuf].filetype)
    -- Give a wrongly attaching client the time to show up before asserting its absence.
    vim.wait(1000, function() return client_of(obuf) ~= nil end, 50)
    check('other-no-client', client_of(obuf) == nil, 'a client attached to ' .. other)
    check('one-client', #vim.lsp.get_clients({ name = 'pyproject_lsp' }) == 1, 'more than one client')
  end
  finish()
end

vim.api.nvim_create_autocmd('VimEnter', { once = true, callback = function() vim.schedule(run) end })
