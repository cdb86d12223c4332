" Vim syntax file
" Language: Tenet (policy-as-code)
" Files:    *.tenet

if exists("b:current_syntax")
  finish
endif

syn case match

" Comments (doc comments first so they win).
syn keyword tenetTodo contained TODO FIXME XXX NOTE
syn match tenetComment "//.*$" contains=tenetTodo,@Spell
syn match tenetDocComment "///.*$" contains=tenetTodo,@Spell

" Strings with escapes and {path} holes.
syn match tenetEscape contained +\\["\\nt{}]+
syn match tenetBadEscape contained +\\[^"\\nt{}]+
syn match tenetHole contained "{[A-Za-z_][A-Za-z0-9_.]*}"
syn region tenetString start=+"+ skip=+\\\\\|\\"+ end=+"+ end=+$+ oneline contains=tenetEscape,tenetBadEscape,tenetHole

" Items.
syn keyword tenetItem package use schema enum const rule waiver test param override nextgroup=tenetDeclName skipwhite
syn keyword tenetDeontic obligation prohibition recommendation nextgroup=tenetDeclName skipwhite
syn match tenetDeclName contained "[A-Za-z_][A-Za-z0-9_.]*"

" Clauses and contextual words.
syn keyword tenetClause when must should because exception
syn match tenetClauseKey "^\s*\zs\(area\|severity\|cite\|reason\|approved_by\|until\)\ze\s*:"
syn match tenetTestWord "^\s*\zs\(given\|expect\|today\)\>"
syn match tenetTestWord "\<from\ze\s\+\""
syn match tenetTo "\<exception\s\+\zsto\>"
" `if OUTCOME "…"`: the message of one outcome (`if` is not reserved).
syn match tenetClause "^\s*\zsif\ze\s\+[a-z_]\+\s*\""
syn match tenetOutcome "\(^\s*if\s\+\)\@<=\(satisfied\|not_applicable\|undetermined\)\>"

" Areas, severities and outcomes after their keys.
syn match tenetArea "\(area\s*:\s*\)\@<=\(privacy\|bias\|transparency\|workers\|accountability\)\>"
syn match tenetSeverity "\(severity\s*:\s*\)\@<=\(info\|low\|medium\|high\|critical\)\>"
syn match tenetOutcome ":\s*\zs\(satisfied\|violated\|not_applicable\|undetermined\|waived\)\>"

" Expressions.
syn keyword tenetOperator and or not in is of within before union intersect except where
" `contains` is an argument name of :syn keyword, so it is matched instead.
syn match tenetOperator "\<contains\>"
syn keyword tenetQuantifier all any
syn keyword tenetPresence present absent empty
syn keyword tenetAggregate count sum min max avg
syn keyword tenetOn on
syn keyword tenetBoolean true false
syn keyword tenetToday today
syn keyword tenetType bool int decimal string date duration percent list set map
syn keyword tenetUnit hours days

" Literals: dates before numbers so the dashes are not minus signs.
syn match tenetNumber "\<\d\(_\=\d\)*\>"
syn match tenetNumber "\<\d\(_\=\d\)*\.\d\(_\=\d\)*\>"
syn match tenetPercent "\<\d\(_\=\d\)*\(\.\d\(_\=\d\)*\)\=%"
syn match tenetDuration "\<\d\(_\=\d\)*\(bd\|h\|d\)\>"
syn match tenetDate "\<\d\{4}-\d\{2}-\d\{2}\>"

hi def link tenetTodo Todo
hi def link tenetComment Comment
hi def link tenetDocComment SpecialComment
hi def link tenetString String
hi def link tenetEscape SpecialChar
hi def link tenetBadEscape Error
hi def link tenetHole Identifier
hi def link tenetItem Keyword
hi def link tenetDeontic Keyword
hi def link tenetDeclName Function
hi def link tenetClause Statement
hi def link tenetClauseKey Label
hi def link tenetTestWord Statement
hi def link tenetTo Statement
hi def link tenetArea Constant
hi def link tenetSeverity Constant
hi def link tenetOutcome Constant
hi def link tenetOperator Operator
hi def link tenetQuantifier Repeat
hi def link tenetPresence Operator
hi def link tenetAggregate Function
hi def link tenetOn Keyword
hi def link tenetBoolean Boolean
hi def link tenetToday Constant
hi def link tenetType Type
hi def link tenetUnit Constant
hi def link tenetNumber Number
hi def link tenetPercent Number
hi def link tenetDuration Number
hi def link tenetDate Number

let b:current_syntax = "tenet"
