//! Semantic tokens: the lexer's tokens (comments, strings, numbers, keywords) refined by what
//! each name refers to (fields, variants, rules, schemas, locals).

use crate::semantics::{Def, file_occurrences};
use std::collections::HashMap;
use tenet_db::{Db, ItemKind, SourceFile, Workspace};
use tenet_syntax::ast::FileSpan;
use tenet_syntax::lexer::{Lexer, Token, TokenKind, string_holes, tokenize};

/// What a token is; the language server maps each to the protocol's token type.
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
    Keyword,
    Comment,
    String,
    /// A number, date, duration or percentage.
    Number,
}

/// The protocol names of the modifiers, bit `i` for entry `i`.
pub const TOKEN_MODIFIERS: [&str; 3] = ["declaration", "readonly", "documentation"];

const DECLARATION: u32 = 1;
const READONLY: u32 = 2;
const DOCUMENTATION: u32 = 4;

/// One token: a span on one line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SemanticToken {
    /// Where in the file; never spans lines.
    pub span: FileSpan,
    pub ty: TokenType,
    /// Modifier bits (see [`TOKEN_MODIFIERS`]).
    pub modifiers: u32,
}

/// Clause and test words that are not reserved but read as keywords where they stand.
const CONTEXTUAL: [&str; 12] =
    ["area", "severity", "cite", "reason", "approved_by", "until", "given", "expect", "from", "to", "today", "if"];

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
    let mut classifier = Classifier { text, pos: 0, out: Vec::new(), names: &names };
    classifier.run();
    classifier.out
}

/// Turns the lexer's tokens into semantic tokens, names classified by what they refer to.
struct Classifier<'a> {
    text: &'a str,
    /// Where the next token may start: a dotted name consumes the tokens of its dots and
    /// segments.
    pos: usize,
    out: Vec<SemanticToken>,
    names: &'a HashMap<u32, (u32, TokenType, u32)>,
}

impl Classifier<'_> {
    fn push(&mut self, start: usize, end: usize, ty: TokenType, modifiers: u32) {
        if end > start {
            let span = FileSpan::new(u32::try_from(start).unwrap_or(u32::MAX), u32::try_from(end).unwrap_or(u32::MAX));
            self.out.push(SemanticToken { span, ty, modifiers });
        }
    }

    fn run(&mut self) {
        for token in tokenize(self.text) {
            if token.start < self.pos {
                continue;
            }
            match token.kind {
                TokenKind::LineComment => self.push(token.start, token.end, TokenType::Comment, 0),
                TokenKind::DocComment => self.push(token.start, token.end, TokenType::Comment, DOCUMENTATION),
                TokenKind::String | TokenKind::UnterminatedString => self.string(token),
                TokenKind::Ident | TokenKind::Keyword => self.word(token),
                kind if kind.is_number() => self.push(token.start, token.end, TokenType::Number, 0),
                _ => {}
            }
            self.pos = self.pos.max(token.end);
        }
    }

    /// A string, with `{path}` holes lexed as code; a hole's `{` is in no token and its `}`
    /// starts the string piece after it.
    fn string(&mut self, string: Token) {
        let mut start = string.start;
        // A hole being typed (not closed yet) is code too.
        for hole in string_holes(self.text, string).into_iter().map(|h| h.content) {
            self.push(start, hole.start.saturating_sub(1), TokenType::String, 0);
            let hole_text = self.text.get(..hole.end).unwrap_or("");
            for token in Lexer::starting_at(hole_text, hole.start) {
                if token.start >= self.pos && token.kind.is_word() {
                    self.pos = self.pos.max(token.end);
                    self.word(token);
                }
            }
            start = hole.end;
        }
        self.pos = string.end;
        self.push(start, string.end, TokenType::String, 0);
    }

    /// A name or keyword; a name the semantic pass resolved (`acme.model` included, as one
    /// token) gets that meaning.
    fn word(&mut self, word: Token) {
        let key = u32::try_from(word.start).unwrap_or(u32::MAX);
        if let Some(&(end, ty, modifiers)) = self.names.get(&key) {
            let end = end as usize;
            let dotted = end > word.end
                && self
                    .text
                    .get(word.end..end)
                    .is_some_and(|rest| rest.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.'));
            if end == word.end || dotted {
                self.pos = self.pos.max(end);
                self.push(word.start, end, ty, modifiers);
                return;
            }
        }
        let text = word.text(self.text);
        let next = self.text.get(word.end..).map_or("", str::trim_start);
        let keyword = word.kind == TokenKind::Keyword
            || (CONTEXTUAL.contains(&text)
                && (next.starts_with(':') || matches!(text, "given" | "expect" | "from" | "to" | "today" | "if")));
        if keyword {
            self.push(word.start, word.end, TokenType::Keyword, 0);
        }
    }
}
