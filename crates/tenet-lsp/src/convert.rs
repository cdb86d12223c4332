//! Protocol values from `tenet-ide` results: one function per kind of result, building the
//! protocol's own types, and one `match` per Tenet enum saying which protocol kind each of
//! its variants is shown as.

use serde::{Deserialize, Serialize};
use tenet_ide::{ActionKind, CompletionKind, FoldKind, SymbolKind, TokenType};
use tenet_syntax::ast::FileSpan;
use tenet_syntax::{Diagnostic, Level};
use tenet_text::{LineIndex, Utf16Position};
use tower_lsp_server::gen_lsp_types as lsp;

/// A text and its line index, for converting between spans and protocol ranges.
pub struct Doc<'a> {
    /// A whole file's text; spans and offsets count its bytes.
    pub text: &'a str,
    /// Its lines; built from `text`.
    pub index: &'a LineIndex,
}

impl Doc<'_> {
    /// The protocol position of a byte offset.
    pub fn position(&self, offset: u32) -> lsp::Position {
        let at = self.index.utf16_position(self.text, offset as usize);
        lsp::Position { line: at.line, character: at.character }
    }

    /// The byte offset of a protocol position, clamped into the text.
    pub fn offset(&self, position: lsp::Position) -> u32 {
        let at = Utf16Position { line: position.line, character: position.character };
        u32::try_from(self.index.offset_of_utf16(self.text, at)).unwrap_or(u32::MAX)
    }

    /// The protocol range of a span.
    pub fn range(&self, span: FileSpan) -> lsp::Range {
        lsp::Range { start: self.position(span.start), end: self.position(span.end) }
    }

    /// The span of a protocol range (an end before the start is the start).
    pub fn span(&self, range: lsp::Range) -> FileSpan {
        let start = self.offset(range.start);
        FileSpan::new(start, self.offset(range.end).max(start))
    }

    /// The protocol form of `edit`, a change to this text.
    pub fn edit(&self, edit: &tenet_ide::TextEdit) -> lsp::TextEdit {
        lsp::TextEdit { range: self.range(edit.span), new_text: edit.new_text.clone() }
    }

    /// A location in this text, which `uri` names.
    pub fn location(&self, uri: &lsp::Uri, span: FileSpan) -> lsp::Location {
        lsp::Location { uri: uri.clone(), range: self.range(span) }
    }
}

/// How a diagnostic's level is shown.
pub fn severity(level: Level) -> lsp::DiagnosticSeverity {
    match level {
        Level::Error => lsp::DiagnosticSeverity::Error,
        Level::Warning => lsp::DiagnosticSeverity::Warning,
    }
}

/// A diagnostic of the file `uri` (its notes become related information in that file, its
/// help a `help:` line of the message).
pub fn diagnostic(doc: &Doc<'_>, uri: &lsp::Uri, d: &Diagnostic) -> lsp::Diagnostic {
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .notes
        .iter()
        .map(|note| lsp::DiagnosticRelatedInformation {
            location: doc.location(uri, note.span),
            message: note.message.clone(),
        })
        .collect();
    lsp::Diagnostic {
        range: doc.range(d.span),
        severity: Some(severity(d.level)),
        code: Some(lsp::Code::String(d.code.number.to_string())),
        source: Some("tenet".to_string()),
        message: lsp::Message::String(message),
        related_information: (!related.is_empty()).then_some(related),
        ..lsp::Diagnostic::default()
    }
}

/// How a completion's kind is shown.
pub fn completion_kind(kind: CompletionKind) -> lsp::CompletionItemKind {
    match kind {
        CompletionKind::Keyword => lsp::CompletionItemKind::Keyword,
        CompletionKind::Field => lsp::CompletionItemKind::Field,
        CompletionKind::Variant => lsp::CompletionItemKind::EnumMember,
        CompletionKind::Rule => lsp::CompletionItemKind::Function,
        CompletionKind::Constant => lsp::CompletionItemKind::Constant,
        CompletionKind::Schema => lsp::CompletionItemKind::Struct,
        CompletionKind::Enum => lsp::CompletionItemKind::Enum,
        CompletionKind::Obligation => lsp::CompletionItemKind::Class,
        CompletionKind::Package => lsp::CompletionItemKind::Module,
        CompletionKind::Variable => lsp::CompletionItemKind::Variable,
        CompletionKind::Type => lsp::CompletionItemKind::TypeParameter,
        CompletionKind::Value => lsp::CompletionItemKind::Value,
    }
}

/// A completion item, the `rank`-th best: its sort text keeps the order `tenet-ide` chose.
pub fn completion(doc: &Doc<'_>, c: &tenet_ide::Completion, rank: usize) -> lsp::CompletionItem {
    let replace = lsp::TextEdit { range: doc.range(c.replace), new_text: c.label.clone() };
    lsp::CompletionItem {
        label: c.label.clone(),
        kind: Some(completion_kind(c.kind)),
        detail: c.detail.clone(),
        documentation: c.documentation.as_ref().map(|docs| lsp::Documentation::MarkupContent(markdown(docs))),
        sort_text: Some(format!("{rank:04}")),
        text_edit: Some(lsp::CompletionItemTextEdit::TextEdit(replace)),
        ..lsp::CompletionItem::default()
    }
}

/// How a symbol's kind is shown.
pub fn symbol_kind(kind: SymbolKind) -> lsp::SymbolKind {
    match kind {
        SymbolKind::Package => lsp::SymbolKind::Package,
        SymbolKind::Import => lsp::SymbolKind::Module,
        SymbolKind::Schema => lsp::SymbolKind::Struct,
        SymbolKind::Field => lsp::SymbolKind::Field,
        SymbolKind::Enum => lsp::SymbolKind::Enum,
        SymbolKind::Variant => lsp::SymbolKind::EnumMember,
        SymbolKind::Constant | SymbolKind::Parameter => lsp::SymbolKind::Constant,
        SymbolKind::Override => lsp::SymbolKind::Variable,
        SymbolKind::Rule => lsp::SymbolKind::Function,
        SymbolKind::Obligation => lsp::SymbolKind::Class,
        SymbolKind::Waiver => lsp::SymbolKind::Event,
        SymbolKind::Test => lsp::SymbolKind::Method,
    }
}

/// A document symbol with its children.
#[expect(deprecated, reason = "`deprecated` is a field of the protocol's struct; it is left out")]
pub fn document_symbol(doc: &Doc<'_>, s: &tenet_ide::Symbol) -> lsp::DocumentSymbol {
    let children: Vec<lsp::DocumentSymbol> = s.children.iter().map(|child| document_symbol(doc, child)).collect();
    lsp::DocumentSymbol {
        name: s.name.clone(),
        detail: s.detail.clone(),
        kind: symbol_kind(s.kind),
        tags: None,
        deprecated: None,
        range: doc.range(s.range),
        selection_range: doc.range(s.selection),
        children: (!children.is_empty()).then_some(children),
    }
}

/// A workspace symbol in the file `uri`, inside `container` (its package) if it has one.
#[expect(deprecated, reason = "`deprecated` is a field of the protocol's struct; it is left out")]
pub fn workspace_symbol(
    doc: &Doc<'_>,
    uri: &lsp::Uri,
    s: &tenet_ide::Symbol,
    container: Option<&str>,
) -> lsp::SymbolInformation {
    lsp::SymbolInformation {
        deprecated: None,
        location: doc.location(uri, s.selection),
        base_symbol_information: lsp::BaseSymbolInformation {
            name: s.name.clone(),
            kind: symbol_kind(s.kind),
            tags: None,
            container_name: container.map(str::to_string),
        },
    }
}

/// How a fold's kind is shown.
pub fn fold_kind(kind: FoldKind) -> lsp::FoldingRangeKind {
    match kind {
        FoldKind::Region => lsp::FoldingRangeKind::Region,
        FoldKind::Comment => lsp::FoldingRangeKind::Comment,
        FoldKind::Imports => lsp::FoldingRangeKind::Imports,
    }
}

/// A folding range (whole lines).
pub fn fold(f: &tenet_ide::Fold) -> lsp::FoldingRange {
    lsp::FoldingRange {
        start_line: f.start_line,
        end_line: f.end_line,
        kind: Some(fold_kind(f.kind)),
        ..lsp::FoldingRange::default()
    }
}

/// How a code action's kind is shown.
pub fn action_kind(kind: ActionKind) -> lsp::CodeActionKind {
    match kind {
        ActionKind::QuickFix => lsp::CodeActionKind::QuickFix,
        ActionKind::Refactor => lsp::CodeActionKind::Refactor,
    }
}

/// A code action that edits the file `uri`.
pub fn code_action(doc: &Doc<'_>, uri: &lsp::Uri, action: &tenet_ide::CodeAction) -> lsp::CodeAction {
    let edits = action.edits.iter().map(|e| doc.edit(e)).collect();
    lsp::CodeAction {
        title: action.title.clone(),
        kind: Some(action_kind(action.kind)),
        diagnostics: action.fixes.as_ref().map(|d| vec![diagnostic(doc, uri, d)]),
        is_preferred: action.preferred.then_some(true),
        edit: Some(lsp::WorkspaceEdit {
            changes: Some(std::iter::once((uri.clone(), edits)).collect()),
            ..lsp::WorkspaceEdit::default()
        }),
        ..lsp::CodeAction::default()
    }
}

/// How a token's type is shown.
pub fn token_type(ty: TokenType) -> lsp::SemanticTokenTypes {
    match ty {
        TokenType::Namespace => lsp::SemanticTokenTypes::Namespace,
        TokenType::Struct => lsp::SemanticTokenTypes::Struct,
        TokenType::Enum => lsp::SemanticTokenTypes::Enum,
        TokenType::EnumMember => lsp::SemanticTokenTypes::EnumMember,
        TokenType::Property => lsp::SemanticTokenTypes::Property,
        TokenType::Parameter => lsp::SemanticTokenTypes::Parameter,
        TokenType::Variable => lsp::SemanticTokenTypes::Variable,
        TokenType::Function => lsp::SemanticTokenTypes::Function,
        TokenType::Class => lsp::SemanticTokenTypes::Class,
        TokenType::Keyword => lsp::SemanticTokenTypes::Keyword,
        TokenType::Comment => lsp::SemanticTokenTypes::Comment,
        TokenType::String => lsp::SemanticTokenTypes::String,
        TokenType::Number => lsp::SemanticTokenTypes::Number,
    }
}

/// The token types in the order the legend announces them: a token's type is sent as its
/// place in this list. Every [`TokenType`] is here (a unit test checks it).
const LEGEND: [TokenType; 13] = [
    TokenType::Namespace,
    TokenType::Struct,
    TokenType::Enum,
    TokenType::EnumMember,
    TokenType::Property,
    TokenType::Parameter,
    TokenType::Variable,
    TokenType::Function,
    TokenType::Class,
    TokenType::Keyword,
    TokenType::Comment,
    TokenType::String,
    TokenType::Number,
];

/// The legend announced with the semantic tokens capability. The modifiers are `tenet-ide`'s
/// bits, named in its order.
pub fn semantic_tokens_legend() -> lsp::SemanticTokensLegend {
    lsp::SemanticTokensLegend {
        token_types: LEGEND.iter().map(|&ty| String::from(token_type(ty))).collect(),
        token_modifiers: tenet_ide::TOKEN_MODIFIERS.iter().map(|&name| name.to_string()).collect(),
    }
}

/// Semantic tokens, relative-encoded as the protocol wants (lengths in UTF-16 units). A token
/// that cannot be encoded (spanning lines, empty, or out of order) is left out.
pub fn semantic_tokens(doc: &Doc<'_>, tokens: &[tenet_ide::SemanticToken]) -> lsp::SemanticTokens {
    let mut data = Vec::with_capacity(tokens.len());
    let mut previous = lsp::Position { line: 0, character: 0 };
    let mut cursor = Cursor { doc, offset: 0, position: previous };
    for token in tokens {
        let start = cursor.position(token.span.start);
        let end = cursor.position(token.span.end);
        if end.line != start.line || end.character <= start.character {
            continue;
        }
        let Some(token_type) = LEGEND.iter().position(|&ty| ty == token.ty) else { continue };
        let Some(delta_line) = start.line.checked_sub(previous.line) else { continue };
        let delta_start = match delta_line {
            0 => match start.character.checked_sub(previous.character) {
                Some(delta) => delta,
                None => continue,
            },
            _ => start.character,
        };
        data.push(lsp::SemanticToken {
            delta_line,
            delta_start,
            length: end.character - start.character,
            token_type: u32::try_from(token_type).unwrap_or(u32::MAX),
            token_modifiers_bitset: token.modifiers,
        });
        previous = start;
    }
    lsp::SemanticTokens { result_id: None, data }
}

/// Protocol positions of offsets met in increasing order, each found by walking on from the one
/// before rather than from its line's start: converting every token of a 400 KB line is
/// linear, not quadratic.
struct Cursor<'d, 'a> {
    doc: &'d Doc<'a>,
    offset: usize,
    position: lsp::Position,
}

impl Cursor<'_, '_> {
    fn position(&mut self, offset: u32) -> lsp::Position {
        let offset = offset as usize;
        let on_line = offset >= self.offset
            && usize::try_from(self.position.line).is_ok_and(|line| self.doc.index.line_of(offset) == line);
        let position = match self.doc.text.get(self.offset..offset) {
            Some(between) if on_line => {
                let units = u32::try_from(between.encode_utf16().count()).unwrap_or(u32::MAX);
                lsp::Position { line: self.position.line, character: self.position.character.saturating_add(units) }
            }
            _ => self.doc.position(u32::try_from(offset).unwrap_or(u32::MAX)),
        };
        self.offset = offset;
        self.position = position;
        position
    }
}

/// What a code lens carries for the client: the obligation it is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LensData {
    /// Its qualified name, such as `acme.privacy.breach_notice`.
    pub obligation: String,
}

/// A code lens: a title with no command to run, and the obligation in its data.
#[expect(clippy::expect_used, reason = "a struct of one string always serialises to JSON")]
pub fn code_lens(doc: &Doc<'_>, lens: &tenet_ide::CodeLens) -> lsp::CodeLens {
    let data = LensData { obligation: lens.obligation.clone() };
    lsp::CodeLens {
        range: doc.range(lens.span),
        command: Some(lsp::Command { title: lens.title.clone(), command: String::new(), ..lsp::Command::default() }),
        data: Some(serde_json::to_value(data).expect("a string serialises")),
    }
}

/// A hover: its markdown over the span it describes.
pub fn hover(doc: &Doc<'_>, h: &tenet_ide::HoverResult) -> lsp::Hover {
    lsp::Hover { contents: lsp::Contents::MarkupContent(markdown(&h.markdown)), range: Some(doc.range(h.span)) }
}

fn markdown(value: &str) -> lsp::MarkupContent {
    lsp::MarkupContent { kind: lsp::MarkupKind::Markdown, value: value.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_legend_names_each_token_type_once() {
        for (i, ty) in LEGEND.iter().enumerate() {
            assert!(!LEGEND.get(..i).unwrap_or(&[]).contains(ty), "{ty:?} is listed twice");
        }
        // No wildcard: a new token type does not compile here until it is looked at, and the
        // check fails until it is in the legend.
        let in_legend = |ty: TokenType| match ty {
            TokenType::Namespace
            | TokenType::Struct
            | TokenType::Enum
            | TokenType::EnumMember
            | TokenType::Property
            | TokenType::Parameter
            | TokenType::Variable
            | TokenType::Function
            | TokenType::Class
            | TokenType::Keyword
            | TokenType::Comment
            | TokenType::String
            | TokenType::Number => LEGEND.contains(&ty),
        };
        let every = [
            TokenType::Namespace,
            TokenType::Struct,
            TokenType::Enum,
            TokenType::EnumMember,
            TokenType::Property,
            TokenType::Parameter,
            TokenType::Variable,
            TokenType::Function,
            TokenType::Class,
            TokenType::Keyword,
            TokenType::Comment,
            TokenType::String,
            TokenType::Number,
        ];
        assert!(every.into_iter().all(in_legend));
        assert_eq!(semantic_tokens_legend().token_types.len(), LEGEND.len());
    }

    #[test]
    fn positions_round_trip_through_utf16() {
        let text = "a😀b\r\nxy";
        let index = LineIndex::new(text);
        let doc = Doc { text, index: &index };
        assert_eq!(doc.position(5), lsp::Position { line: 0, character: 3 });
        assert_eq!(doc.offset(lsp::Position { line: 0, character: 3 }), 5);
        assert_eq!(doc.offset(lsp::Position { line: 0, character: 2 }), 1, "inside the surrogate pair");
        assert_eq!(doc.offset(lsp::Position { line: 0, character: 99 }), 6, "before the `\\r\\n`");
        assert_eq!(doc.offset(lsp::Position { line: 7, character: 0 }), 10);
    }
}
