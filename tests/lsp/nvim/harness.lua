-- What the headless Neovim tests share: the results table, recording a buffer's diagnostics,
-- writing the results to $TENET_OUT as JSON and quitting (once), and a time-out that records
-- itself as an error.
local M = { results = { diagnostics = {}, errors = {} } }
local finished = false

function M.finish()
  if finished then return end
  finished = true
  local f = io.open(os.getenv("TENET_OUT"), "w")
  f:write(vim.fn.json_encode(M.results))
  f:close()
  vim.cmd("qall!")
end

-- Records the diagnostics of buffer `bufnr`, read back through Neovim's diagnostic API as a
-- user would see them.
function M.record_diagnostics(bufnr)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(M.results.diagnostics, {
      line = d.lnum, col = d.col, code = d.code, message = d.message, severity = d.severity,
    })
  end
end

vim.defer_fn(function()
  table.insert(M.results.errors, "timed out in the editor")
  M.finish()
end, 30000)

return M
