-- Starts the Tenet language server (`tenet lsp`) for Tenet buffers, and for the YAML, JSON
-- and TOML documents inside Tenet projects (a `tenet.toml` up the tree; other YAML, JSON and
-- TOML files are left alone).
--
-- Works on Neovim 0.7.2 and later with the built-in client (vim.lsp.start_client):
--
--   require("tenet").setup({ cmd = { "tenet", "lsp" } })
--
-- On Neovim 0.8+ the same setup uses vim.lsp.start, which reuses one client per root. On
-- Neovim 0.11+ you can skip this module and use the native configuration instead:
--
--   vim.lsp.config("tenet", {
--     cmd = { "tenet", "lsp" },
--     filetypes = { "tenet" },
--     root_markers = { "tenet.toml", ".git" },
--   })
--   vim.lsp.enable("tenet")

local M = {}

local defaults = {
  -- The command that starts the server.
  cmd = { "tenet", "lsp" },
  -- Files whose directory is the workspace root; the first found upwards wins.
  root_markers = { "tenet.toml", ".git" },
  -- Passed to the client as on_attach(client, bufnr).
  on_attach = nil,
  -- Extra client capabilities, merged over the defaults.
  capabilities = nil,
  -- Also attach to YAML, JSON and TOML files inside a Tenet project, where the server checks
  -- them against the project's policies as they are edited.
  documents = true,
  -- Passed to the server as `initializationOptions` (e.g. { today = "2026-11-28" }).
  init_options = nil,
  -- Extra handlers for the client, by method.
  handlers = nil,
}

local config = vim.deepcopy(defaults)
-- Client ids by root directory (the 0.7 path keeps one client per root itself).
local clients = {}

--- The directory holding one of `markers`, searching upwards from `path`.
local function find_root(path, markers)
  local dir = vim.fn.fnamemodify(path, ":p:h")
  while dir and dir ~= "" do
    for _, marker in ipairs(markers) do
      if vim.loop.fs_stat(dir .. "/" .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ":h")
    if parent == dir then
      break
    end
    dir = parent
  end
  return vim.fn.fnamemodify(path, ":p:h")
end

--- The directory of the nearest `tenet.toml` at or above `path`'s directory, or nil.
local function project_root(path)
  local manifest = vim.fn.findfile("tenet.toml", vim.fn.fnamemodify(path, ":p:h") .. ";")
  if manifest == "" then
    return nil
  end
  return vim.fn.fnamemodify(manifest, ":p:h")
end

M.project_root = project_root

local function client_config(root)
  local capabilities = vim.lsp.protocol.make_client_capabilities()
  if config.capabilities then
    capabilities = vim.tbl_deep_extend("force", capabilities, config.capabilities)
  end
  return {
    name = "tenet",
    cmd = config.cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
    capabilities = capabilities,
    on_attach = config.on_attach,
    init_options = config.init_options,
    handlers = config.handlers,
  }
end

--- Attaches the Tenet server to `bufnr`, starting it for `root` (by default the buffer's root)
--- if needed.
function M.attach(bufnr, root)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local name = vim.api.nvim_buf_get_name(bufnr)
  root = root or find_root(name ~= "" and name or vim.fn.getcwd() .. "/x", config.root_markers)
  if vim.lsp.start then
    -- Neovim 0.8+: reuses a running client with the same name and root.
    return vim.lsp.start(client_config(root), { bufnr = bufnr })
  end
  local id = clients[root]
  if id == nil or vim.lsp.get_client_by_id(id) == nil then
    id = vim.lsp.start_client(client_config(root))
    if id == nil then
      vim.notify("tenet: could not start `" .. table.concat(config.cmd, " ") .. "`", vim.log.levels.ERROR)
      return nil
    end
    clients[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

--- Configures the client and attaches it to every Tenet buffer, now and later.
function M.setup(opts)
  config = vim.tbl_deep_extend("force", vim.deepcopy(defaults), opts or {})
  local group = vim.api.nvim_create_augroup("tenet_lsp", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = "tenet",
    callback = function(args)
      M.attach(args.buf)
    end,
  })
  -- A document is attached only inside a project: the server checks it against that project.
  local function attach_document(buf)
    local name = vim.api.nvim_buf_get_name(buf)
    local root = name ~= "" and project_root(name) or nil
    if root then
      M.attach(buf, root)
    end
  end
  if config.documents then
    vim.api.nvim_create_autocmd("FileType", {
      group = group,
      pattern = { "yaml", "json", "toml" },
      callback = function(args)
        attach_document(args.buf)
      end,
    })
  end
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) then
      local filetype = vim.bo[buf].filetype
      if filetype == "tenet" then
        M.attach(buf)
      elseif config.documents and (filetype == "yaml" or filetype == "json" or filetype == "toml") then
        attach_document(buf)
      end
    end
  end
end

return M
