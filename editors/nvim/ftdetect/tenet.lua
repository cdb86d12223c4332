-- Tenet policy files (Neovim 0.8+ reads this; older versions use ftdetect/tenet.vim).
if vim.filetype and vim.filetype.add then
  vim.filetype.add({ extension = { tenet = "tenet" } })
end
