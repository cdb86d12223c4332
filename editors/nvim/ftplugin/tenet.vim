" Buffer settings for Tenet policy files.
if exists("b:did_ftplugin")
  finish
endif
let b:did_ftplugin = 1

setlocal commentstring=//\ %s
setlocal comments=:///,://
setlocal expandtab shiftwidth=2 softtabstop=2 tabstop=2
setlocal formatoptions-=t formatoptions+=croql
setlocal suffixesadd=.tenet

let b:undo_ftplugin = "setlocal commentstring< comments< expandtab< shiftwidth< softtabstop< tabstop< formatoptions< suffixesadd<"
