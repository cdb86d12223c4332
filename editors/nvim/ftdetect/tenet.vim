" Tenet policy files.
autocmd BufRead,BufNewFile *.tenet setfiletype tenet
