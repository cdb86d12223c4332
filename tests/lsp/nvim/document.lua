-- Headless Neovim end-to-end test of `tenet lsp` on documents, through the shipped module
-- (editors/nvim, `require("tenet").setup()`): opens $TENET_FILE, a contract YAML inside a Tenet
-- project, which the module attaches because a `tenet.toml` is up the tree; waits for the
-- findings; then opens $TENET_OUTSIDE, a YAML file outside any project, which it must leave
-- alone. Writes what Neovim saw to $TENET_OUT as JSON.
local bin = os.getenv("TENET_BIN")
local file = os.getenv("TENET_FILE")
local outside = os.getenv("TENET_OUTSIDE")
local here = debug.getinfo(1, "S").source:sub(2):match("(.*/)")
local harness = dofile(here .. "harness.lua")
local results, finish = harness.results, harness.finish

-- `-u NONE` skips filetype detection, which the module's autocommands rely on.
vim.cmd("filetype on")
vim.opt.runtimepath:append(os.getenv("TENET_RUNTIME"))

local function attached(bufnr)
  return #vim.tbl_keys(vim.lsp.buf_get_clients(bufnr)) > 0
end

local document

local function check_outside()
  vim.cmd("edit " .. outside)
  local bufnr = vim.api.nvim_get_current_buf()
  results.outside_filetype = vim.bo[bufnr].filetype
  results.outside_attached = attached(bufnr)
  finish()
end

require("tenet").setup({
  cmd = { bin, "lsp" },
  init_options = { today = "2026-11-28" },
  handlers = {
    ["textDocument/publishDiagnostics"] = function(err, result, ctx, config)
      vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, config)
      if document and result.uri == vim.uri_from_bufnr(document) and #result.diagnostics > 0 then
        results.attached = attached(document)
        harness.record_diagnostics(document)
        vim.schedule(check_outside)
      end
    end,
  },
})

vim.cmd("edit " .. file)
document = vim.api.nvim_get_current_buf()
results.filetype = vim.bo[document].filetype
-- The client counts as attached once it has initialized, so this is read when the findings
-- arrive; if it never attaches, the time-out above reports it.
