//! The textual context of a cursor, for completion in half-typed items that do not parse:
//! which item it is in, the document kind, the variables bound before it, and the type of a
//! dotted path.

use tenet_db::ide_support::{deontic_kind, lookup_item, resolve_type, type_of_path};
use tenet_db::ir::Ty;
use tenet_db::{Db, ItemId, ItemKind, SourceFile, Workspace};
use tenet_syntax::lexer::{TokenKind, tokenize};
use tenet_syntax::split::split_items;

/// How many path steps the checker is asked to type.
const MAX_STEPS: usize = 32;

/// The item the cursor is in, read from the text.
pub(crate) struct CursorContext<'a> {
    /// The item's text up to the cursor.
    pub before: &'a str,
    /// The item's first word (`obligation`, `rule`, …), if any.
    pub keyword: &'a str,
    /// The schema of the document the item reads.
    pub root: Option<ItemId>,
    /// Rule parameters and quantifier variables bound before the cursor, in order.
    pub locals: Vec<(String, Ty)>,
}

/// The lexer's tokens as completion reads them: a dotted path (`vendor.name`, or `vendor.`
/// while it is being typed) is one word, operators are one entry per character, and strings,
/// comments and whitespace are left out.
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    // The dotted word being read, as a byte range.
    let mut word: Option<(usize, usize)> = None;
    for token in tokenize(text) {
        let kind = token.kind;
        let word_part = kind.is_word() || kind.is_number() || kind == TokenKind::Dot;
        match word {
            Some((start, end)) if word_part && end == token.start => {
                word = Some((start, token.end));
                continue;
            }
            Some((start, end)) => {
                out.extend(text.get(start..end));
                word = None;
            }
            None => {}
        }
        if word_part && kind != TokenKind::Dot {
            word = Some((token.start, token.end));
        } else if !kind.is_trivia() && !kind.is_string() {
            // Non-ASCII characters have no one-byte text and are left out.
            out.extend((token.start..token.end).filter_map(|i| text.get(i..i + 1)));
        }
    }
    if let Some((start, end)) = word {
        out.extend(text.get(start..end));
    }
    out
}

impl<'a> CursorContext<'a> {
    /// The context at `offset` in `file`.
    pub fn new(db: &dyn Db, workspace: Workspace, file: SourceFile, text: &'a str, offset: usize) -> Self {
        let chunks = split_items(text);
        let start = chunks.iter().rev().find(|c| c.start <= offset).map_or(0, |c| c.start);
        let before = text.get(start..offset).unwrap_or("");
        let toks = tokens(before);
        let keyword = toks.first().copied().unwrap_or("");
        let mut ctx = CursorContext { before, keyword, root: None, locals: Vec::new() };
        let lookup = |name: &str, kinds: &[ItemKind]| lookup_item(db, workspace, file, name, kinds).map(|e| e.id);
        match keyword {
            "waiver" => {
                let target = toks.get(1).and_then(|t| lookup(t, &[ItemKind::Deontic]));
                let kind = target.and_then(|t| deontic_kind(db, t).clone());
                ctx.root = kind.and_then(|k| lookup(&k, &[ItemKind::Schema]));
            }
            _ => {
                let header_end = toks.iter().position(|t| *t == "{" || *t == "=").unwrap_or(toks.len());
                let header = toks.get(..header_end).unwrap_or(&[]);
                if let Some(on) = header.iter().position(|t| *t == "on").and_then(|i| header.get(i + 1)) {
                    ctx.root = lookup(on, &[ItemKind::Schema]);
                }
                if keyword == "rule" {
                    ctx.rule_params(db, workspace, file, header);
                }
            }
        }
        ctx.binders(db, workspace, file, &toks);
        ctx
    }

    fn rule_params(&mut self, db: &dyn Db, workspace: Workspace, file: SourceFile, header: &[&str]) {
        let Some(open) = header.iter().position(|t| *t == "(") else { return };
        let mut i = open + 1;
        while let (Some(name), Some(&":")) = (header.get(i), header.get(i + 1)) {
            let mut ty_tokens = Vec::new();
            let mut j = i + 2;
            while let Some(t) = header.get(j).filter(|t| **t != "," && **t != ")") {
                ty_tokens.push(*t);
                j += 1;
            }
            let ty = written_type(db, workspace, file, &ty_tokens);
            self.locals.push(((*name).to_string(), ty));
            i = j + 1;
        }
    }

    /// `all x in path`, `any x in path`, `count(x in path …`: variables bound before the cursor.
    fn binders(&mut self, db: &dyn Db, workspace: Workspace, file: SourceFile, toks: &[&str]) {
        for (i, tok) in toks.iter().enumerate() {
            let var_at = match *tok {
                "all" | "any" => i + 1,
                "count" | "sum" | "min" | "max" | "avg" if toks.get(i + 1) == Some(&"(") => i + 2,
                _ => continue,
            };
            let (Some(var), Some(&"in"), Some(path)) = (toks.get(var_at), toks.get(var_at + 1), toks.get(var_at + 2))
            else {
                continue;
            };
            let elem =
                self.path_type(db, workspace, file, path).and_then(|t| t.element().cloned()).unwrap_or(Ty::Error);
            self.locals.push(((*var).to_string(), elem));
        }
    }

    /// The type of a dotted path as the cursor's item sees it: the checker's own typing.
    pub fn path_type(&self, db: &dyn Db, workspace: Workspace, file: SourceFile, path: &str) -> Option<Ty> {
        if path.split('.').nth(MAX_STEPS).is_some() {
            return None;
        }
        type_of_path(db, workspace, file, self.root, &self.locals, path)
    }
}

/// A type written as tokens (`Transfer`, `list`, `<`, `Transfer`, `>`, `?`), resolved by the
/// checker's own type resolution.
fn written_type(db: &dyn Db, workspace: Workspace, file: SourceFile, toks: &[&str]) -> Ty {
    use tenet_syntax::ast::{Ident, ItemSpan, QName, TypeExpr, TypeKind};
    let named = |text: &str| {
        let parts = text.split('.').map(|p| Ident { name: p.to_string(), span: ItemSpan::default() }).collect();
        TypeExpr {
            kind: TypeKind::Named(QName { parts, span: ItemSpan::default() }),
            optional: false,
            span: ItemSpan::default(),
        }
    };
    let ty = match toks {
        [wrap @ ("list" | "set"), "<", inner, ..] => {
            let inner = Box::new(named(inner));
            let kind = if *wrap == "list" { TypeKind::List(inner) } else { TypeKind::Set(inner) };
            TypeExpr { kind, optional: false, span: ItemSpan::default() }
        }
        [name, ..] => named(name),
        [] => return Ty::Error,
    };
    resolve_type(db, workspace, file, &ty)
}
