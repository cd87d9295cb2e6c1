-- pyproject-lsp for Neovim >= 0.11: a language server for pyproject.toml.
--
-- `vim.lsp.enable('pyproject_lsp')` loads this file from any `lsp/` directory on 'runtimepath'
-- (the format nvim-lspconfig uses too). Override any field with
-- `vim.lsp.config('pyproject_lsp', { ... })`, for example `cmd` or `init_options`.
--
-- The server only looks at files named pyproject.toml, so the client attaches only to those
-- buffers, although their filetype is the generic `toml`.

---@type vim.lsp.Config
return {
  cmd = { 'pyproject-lsp' },
  filetypes = { 'toml' },
  -- The workspace root: the repository (so one server serves every project of a monorepo),
  -- else the directory of the pyproject.toml itself. Used by root_dir below.
  root_markers = { '.git', '.hg', '.jj' },
  -- Settings: the same keys as the VS Code extension's `pyproject-lsp.*` settings, e.g.
  -- { offline = true, rules = { PP201 = 'warning' }, index = { url = '...' } }.
  init_options = {},
  settings = { ['pyproject-lsp'] = {} },
  root_dir = function(bufnr, on_dir)
    local name = vim.api.nvim_buf_get_name(bufnr)
    if vim.fs.basename(name) ~= 'pyproject.toml' then
      return -- not calling on_dir: no client for this buffer
    end
    local markers = vim.lsp.config.pyproject_lsp and vim.lsp.config.pyproject_lsp.root_markers
      or { '.git' }
    on_dir(vim.fs.root(bufnr, markers) or vim.fs.dirname(name))
  end,
}
