-- Headless Neovim end-to-end test of `tenet lsp` (Neovim 0.7: start_client + buf_attach_client).
-- Opens policy.tenet (which misspells a field), waits for the diagnostic, hovers over `dpa`,
-- jumps to the definition of `Contract`, and writes what it saw to $TENET_OUT as JSON.
local bin = os.getenv("TENET_BIN")
local root = os.getenv("TENET_ROOT")
local here = debug.getinfo(1, "S").source:sub(2):match("(.*/)")
local harness = dofile(here .. "harness.lua")
local results, finish = harness.results, harness.finish

vim.cmd("edit " .. root .. "/policy.tenet")
local bufnr = vim.api.nvim_get_current_buf()

-- Puts the cursor on the first `needle` in the buffer (moved `shift` bytes right).
local function cursor_at(needle, shift)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    local col = string.find(line, needle, 1, true)
    if col then
      vim.api.nvim_win_set_cursor(0, { i, col - 1 + shift })
      return
    end
  end
  table.insert(results.errors, "not in the buffer: " .. needle)
end

local function definition()
  cursor_at("Contract", 2)
  local params = vim.lsp.util.make_position_params()
  vim.lsp.buf_request(bufnr, "textDocument/definition", params, function(err, result, ctx)
    if err then table.insert(results.errors, "definition: " .. vim.inspect(err)) end
    if result and result[1] then
      local client = vim.lsp.get_client_by_id(ctx.client_id)
      vim.lsp.util.jump_to_location(result[1], client.offset_encoding)
      local cursor = vim.api.nvim_win_get_cursor(0)
      results.definition = {
        file = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(0), ":t"),
        line = cursor[1],
        column = cursor[2],
        text = vim.api.nvim_get_current_line(),
      }
    end
    finish()
  end)
end

local function hover()
  cursor_at("dpa.", 1)
  local params = vim.lsp.util.make_position_params()
  vim.lsp.buf_request(bufnr, "textDocument/hover", params, function(err, result)
    if err then table.insert(results.errors, "hover: " .. vim.inspect(err)) end
    if result and result.contents then results.hover = result.contents.value end
    definition()
  end)
end

local asked = false
local client_id = vim.lsp.start_client({
  name = "tenet",
  cmd = { bin, "lsp" },
  root_dir = root,
  init_options = { today = "2026-11-28" },
  handlers = {
    ["textDocument/publishDiagnostics"] = function(err, result, ctx, config)
      vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, config)
      if not asked and result.uri == vim.uri_from_bufnr(bufnr) and #result.diagnostics > 0 then
        asked = true
        harness.record_diagnostics(bufnr)
        vim.schedule(hover)
      end
    end,
  },
})
if not client_id then
  table.insert(results.errors, "the client did not start")
  finish()
else
  vim.lsp.buf_attach_client(bufnr, client_id)
end
