-- Starts the Tenet language server (`tenet lsp`) for Tenet buffers.
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
  }
end

--- Attaches the Tenet server to `bufnr`, starting it for the buffer's root if needed.
function M.attach(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local name = vim.api.nvim_buf_get_name(bufnr)
  local root = find_root(name ~= "" and name or vim.fn.getcwd() .. "/x", config.root_markers)
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
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) and vim.bo[buf].filetype == "tenet" then
      M.attach(buf)
    end
  end
end

return M
