//! Semantic tokens: a lexical pass (comments, strings, numbers, keywords) refined by what
//! each name refers to (fields, variants, rules, schemas, locals).

use crate::semantics::{Def, file_occurrences};
use std::collections::HashMap;
use tenet_db::{Db, ItemKind, SourceFile, Workspace};
use tenet_syntax::ast::Span;
use tenet_syntax::split::is_reserved;

/// Token types, in the order of [`TOKEN_TYPES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TokenType {
    /// A package name.
    Namespace,
    /// A schema.
    Struct,
    /// An enum.
    Enum,
    /// An enum variant, area, severity or outcome.
    EnumMember,
    /// A schema field.
    Property,
    /// A rule parameter.
    Parameter,
    /// A quantifier variable, a constant or a library parameter.
    Variable,
    /// A rule.
    Function,
    /// An obligation, prohibition or recommendation.
    Class,
    /// A keyword.
    Keyword,
    /// A comment.
    Comment,
    /// A string.
    String,
    /// A number, date, duration or percentage.
    Number,
}

/// The protocol names of the token types, indexed by `TokenType as u32`.
pub const TOKEN_TYPES: [&str; 13] = [
    "namespace",
    "struct",
    "enum",
    "enumMember",
    "property",
    "parameter",
    "variable",
    "function",
    "class",
    "keyword",
    "comment",
    "string",
    "number",
];

/// The protocol names of the modifiers, bit `i` for entry `i`.
pub const TOKEN_MODIFIERS: [&str; 3] = ["declaration", "readonly", "documentation"];

const DECLARATION: u32 = 1;
const READONLY: u32 = 2;
const DOCUMENTATION: u32 = 4;

/// One token: a span on one line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SemanticToken {
    /// Where, absolute; never spans lines.
    pub span: Span,
    /// What.
    pub ty: TokenType,
    /// Modifier bits (see [`TOKEN_MODIFIERS`]).
    pub modifiers: u32,
}

/// Clause and test words that are not reserved but read as keywords where they stand.
const CONTEXTUAL: [&str; 11] =
    ["area", "severity", "cite", "reason", "approved_by", "until", "given", "expect", "from", "to", "today"];

/// The tokens of a file, sorted and not overlapping.
pub fn semantic_tokens(db: &dyn Db, workspace: Workspace, file: SourceFile) -> Vec<SemanticToken> {
    let text = file.text(db);
    let mut names: HashMap<u32, (u32, TokenType, u32)> = HashMap::new();
    for (_, occ) in file_occurrences(db, workspace, file) {
        let (ty, mut modifiers) = match &occ.def {
            Def::Item(id) => match id.key(db).kind {
                ItemKind::Schema => (TokenType::Struct, 0),
                ItemKind::Enum => (TokenType::Enum, 0),
                ItemKind::Const | ItemKind::Param => (TokenType::Variable, READONLY),
                ItemKind::Rule => (TokenType::Function, 0),
                ItemKind::Deontic => (TokenType::Class, 0),
                _ => (TokenType::Variable, 0),
            },
            Def::Field { .. } => (TokenType::Property, 0),
            Def::Variant { .. } | Def::Area(_) | Def::Severity(_) | Def::Outcome(_) => (TokenType::EnumMember, 0),
            Def::Local { item, name, .. } => {
                let is_param = matches!(
                    tenet_db::ide_support::item_node(db, *item).map(|n| &n.item),
                    Some(tenet_syntax::ast::Item::Rule(r)) if r.params.iter().any(|p| p.name.name == **name)
                );
                (if is_param { TokenType::Parameter } else { TokenType::Variable }, 0)
            }
            Def::Package(_) => (TokenType::Namespace, 0),
        };
        if occ.is_decl {
            modifiers |= DECLARATION;
        }
        names.insert(occ.span.start, (occ.span.end, ty, modifiers));
    }
    let mut lexer = Lexer { text, bytes: text.as_bytes(), pos: 0, out: Vec::new(), names: &names };
    lexer.run();
    lexer.out
}

struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    out: Vec<SemanticToken>,
    names: &'a HashMap<u32, (u32, TokenType, u32)>,
}

impl Lexer<'_> {
    fn at(&self, i: usize) -> Option<u8> {
        self.bytes.get(i).copied()
    }

    fn push(&mut self, start: usize, end: usize, ty: TokenType, modifiers: u32) {
        if end > start {
            let span = Span::new(u32::try_from(start).unwrap_or(u32::MAX), u32::try_from(end).unwrap_or(u32::MAX));
            self.out.push(SemanticToken { span, ty, modifiers });
        }
    }

    fn run(&mut self) {
        while let Some(b) = self.at(self.pos) {
            match b {
                b'/' if self.at(self.pos + 1) == Some(b'/') => {
                    let start = self.pos;
                    let doc = self.at(self.pos + 2) == Some(b'/');
                    while self.at(self.pos).is_some_and(|c| c != b'\n' && c != b'\r') {
                        self.pos += 1;
                    }
                    self.push(start, self.pos, TokenType::Comment, if doc { DOCUMENTATION } else { 0 });
                }
                b'"' => self.string(),
                b'0'..=b'9' => self.number(),
                b'a'..=b'z' | b'A'..=b'Z' | b'_' => self.word(),
                _ => self.pos += 1,
            }
        }
    }

    /// A string, with `{path}` holes lexed as code.
    fn string(&mut self) {
        let mut start = self.pos;
        self.pos += 1;
        while let Some(c) = self.at(self.pos) {
            match c {
                b'\\' => self.pos += 2,
                b'"' => {
                    self.pos += 1;
                    break;
                }
                b'\n' | b'\r' => break,
                b'{' => {
                    self.push(start, self.pos, TokenType::String, 0);
                    self.pos += 1;
                    while let Some(h) = self.at(self.pos) {
                        match h {
                            b'}' | b'"' | b'\n' | b'\r' => break,
                            b'a'..=b'z' | b'A'..=b'Z' | b'_' => self.word(),
                            _ => self.pos += 1,
                        }
                    }
                    start = self.pos;
                    if self.at(self.pos) == Some(b'}') {
                        self.pos += 1;
                    }
                }
                _ => self.pos += 1,
            }
        }
        self.pos = self.pos.min(self.bytes.len());
        self.push(start, self.pos, TokenType::String, 0);
    }

    /// Numbers, dates (`2026-03-31`), durations (`48h`, `10bd`) and percentages.
    fn number(&mut self) {
        let start = self.pos;
        let digit_run = |this: &mut Self| {
            while this.at(this.pos).is_some_and(|c| c.is_ascii_digit() || c == b'_') {
                this.pos += 1;
            }
        };
        digit_run(self);
        if self.at(self.pos) == Some(b'-') && self.at(self.pos + 1).is_some_and(|c| c.is_ascii_digit()) {
            // a date: two more dash-separated runs
            for _ in 0..2 {
                if self.at(self.pos) == Some(b'-') {
                    self.pos += 1;
                    digit_run(self);
                }
            }
        } else if self.at(self.pos) == Some(b'.') && self.at(self.pos + 1).is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
            digit_run(self);
        }
        while self.at(self.pos).is_some_and(|c| c.is_ascii_alphabetic() || c == b'%') {
            self.pos += 1;
        }
        self.push(start, self.pos, TokenType::Number, 0);
    }

    fn word(&mut self) {
        let start = self.pos;
        while self.at(self.pos).is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_') {
            self.pos += 1;
        }
        let key = u32::try_from(start).unwrap_or(u32::MAX);
        if let Some(&(end, ty, modifiers)) = self.names.get(&key) {
            let end = end as usize;
            // A dotted name (`acme.model`) is one token.
            let dotted = end > self.pos
                && self
                    .text
                    .get(self.pos..end)
                    .is_some_and(|rest| rest.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.'));
            if end == self.pos || dotted {
                self.pos = end;
                self.push(start, end, ty, modifiers);
                return;
            }
        }
        let word = self.text.get(start..self.pos).unwrap_or("");
        let next = self.text.get(self.pos..).map_or("", str::trim_start);
        let keyword = is_reserved(word)
            || (CONTEXTUAL.contains(&word)
                && (next.starts_with(':') || matches!(word, "given" | "expect" | "from" | "to" | "today")));
        if keyword {
            self.push(start, self.pos, TokenType::Keyword, 0);
        }
    }
}
