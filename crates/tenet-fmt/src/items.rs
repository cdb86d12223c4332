//! Items: one blank line between items (none between consecutive `use`s unless the source
//! has one), bodies indented one level, one member per line, clauses in the order written.

use crate::comments::{self, blank_line_between};
use crate::printer::Printer;
use crate::printer::{INDENT, MAX_WIDTH};
use tenet_syntax::ast::{
    Clause, DeonticDecl, EnumDecl, GivenSource, Item, ItemNode, OverrideDecl, QName, RuleDecl, SchemaDecl, TestDecl,
    TypeExpr, TypeKind, WaiverDecl,
};

/// Formats a file that parsed without errors.
pub(crate) fn format_items(text: &str, items: &[ItemNode]) -> String {
    let verbatim = inline_documents(items);
    let found = comments::scan(text, &verbatim);
    let comment_ranges: Vec<(usize, usize)> = found.iter().map(|c| (c.start, c.end)).collect();
    let mut p = Printer::new(text, found);
    let mut previous: Option<&Item> = None;
    for (i, node) in items.iter().enumerate() {
        let start = node.offset as usize;
        let next = items.get(i + 1).map_or(text.len(), |n| n.offset as usize);
        let end = code_end(text, start, next, &comment_ranges);
        match previous {
            None => {
                p.comments_before(start);
                if p.blank_before(start) {
                    p.blank_line();
                }
            }
            Some(prev) => {
                p.trailing_comments_before(start);
                p.comments_under_item(start);
                let grouped = matches!((prev, &node.item), (Item::Use(_), Item::Use(_)));
                if !grouped || p.blank_before(start) {
                    p.blank_line();
                }
                p.comments_before(start);
                if p.blank_before(start) {
                    p.blank_line();
                }
            }
        }
        p.base = start;
        p.indent = 0;
        p.item(&node.item, end);
        p.break_line();
        p.mark(end);
        previous = Some(&node.item);
    }
    p.finish()
}

/// Absolute byte ranges of inline test documents, whose text is YAML and kept as written.
fn inline_documents(items: &[ItemNode]) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    for node in items {
        if let Item::Test(test) = &node.item {
            for given in &test.given {
                if let GivenSource::Inline { span, .. } = &given.source {
                    let offset = node.offset as usize;
                    ranges.push(offset + span.start as usize..offset + span.end as usize);
                }
            }
        }
    }
    ranges.sort_by_key(|r| r.start);
    ranges
}

/// One past the last byte of code (not whitespace, not comment) in `start..limit`.
fn code_end(text: &str, start: usize, limit: usize, comments: &[(usize, usize)]) -> usize {
    let bytes = text.as_bytes();
    let mut pos = limit.min(text.len());
    while pos > start {
        if let Some(&(comment_start, _)) = comments.iter().find(|(s, e)| *s < pos && pos <= *e) {
            pos = comment_start;
            continue;
        }
        match bytes.get(pos - 1) {
            Some(b' ' | b'\t' | b'\r' | b'\n') => pos -= 1,
            _ => return pos,
        }
    }
    start
}

/// `ty` as the formatter writes it: no spaces, `?` last.
fn type_text(ty: &TypeExpr) -> String {
    let mut out = match &ty.kind {
        TypeKind::Named(name) => name.text(),
        TypeKind::List(inner) => format!("list<{}>", type_text(inner)),
        TypeKind::Set(inner) => format!("set<{}>", type_text(inner)),
        TypeKind::Map(inner) => format!("map<{}>", type_text(inner)),
        TypeKind::Duration(unit) => match unit {
            tenet_syntax::ast::DurationUnit::Hours => "duration(hours)".to_string(),
            tenet_syntax::ast::DurationUnit::Days => "duration(days)".to_string(),
        },
    };
    if ty.optional {
        out.push('?');
    }
    out
}

/// A statement of a test body, for printing in source order.
enum TestStmt<'a> {
    Today(u32, u32),
    Override(&'a OverrideDecl),
    Given(&'a tenet_syntax::ast::Given),
    Expect(&'a tenet_syntax::ast::Expect),
}

impl Printer<'_> {
    /// Writes the comments before `pos` that follow code on an earlier line, so they stay at
    /// the end of that line before any blank line is added.
    pub fn trailing_comments_before(&mut self, pos: usize) {
        while let Some(end) = self.next_trailing_before(pos) {
            self.comments_before(end);
        }
    }

    /// Between items: the own-line comments right under the item just written (no blank line
    /// between it and them) that a blank line separates from what follows stay with that
    /// item; other comments lead the next item, after the blank line between items. A
    /// comment that followed code inside an item but is written after its last line ends up
    /// there too, so formatting the result again keeps it where it is.
    pub fn comments_under_item(&mut self, next_item: usize) {
        let Some(run_end) = self.comment_run_under(next_item) else { return };
        if blank_line_between(self.src, run_end, self.next_code_or_comment(run_end, next_item)) {
            self.comments_before(run_end);
        }
    }

    /// Before a member of a body: its comments, then a blank line if the source had one.
    fn member(&mut self, anchor: usize) {
        self.comments_before(anchor);
        if self.blank_before(anchor) && !self.just_opened() {
            self.blank_line();
        }
    }

    fn item(&mut self, item: &Item, end: usize) {
        let close = end.saturating_sub(1);
        match item {
            Item::Package(name) => {
                self.text("package ");
                self.qname(name);
            }
            Item::Use(name) => {
                self.text("use ");
                self.qname(name);
            }
            Item::Schema(schema) => self.schema(schema, close),
            Item::Enum(decl) => self.enumeration(decl, close),
            Item::Const(decl) | Item::Param(decl) => {
                self.text(if matches!(item, Item::Param(_)) { "param " } else { "const " });
                self.text(&decl.name.name);
                self.text(": ");
                self.text(&type_text(&decl.ty));
                self.text(" =");
                self.value_expr(&decl.value);
            }
            Item::Override(decl) => self.override_decl(decl),
            Item::Rule(rule) => self.rule(rule),
            Item::Deontic(decl) => self.deontic(decl, close),
            Item::Waiver(waiver) => self.waiver(waiver, close),
            Item::Test(test) => self.test(test, close),
        }
    }

    fn qname(&mut self, name: &QName) {
        self.text(&name.text());
        self.mark(self.abs(name.span.end));
    }

    /// ` {`, the members printed by `body`, and `}`; `{}` when there is nothing inside.
    fn block(&mut self, open_after: usize, close: usize, empty: bool, body: impl FnOnce(&mut Self)) {
        if empty && !self.has_comment_in(open_after, close) {
            self.text(" {}");
            self.mark(close + 1);
            return;
        }
        self.text(" {");
        self.break_line();
        self.indented(INDENT, |p| {
            body(p);
            p.comments_before(close);
            p.break_line();
        });
        self.text("}");
        self.mark(close + 1);
    }

    fn schema(&mut self, schema: &SchemaDecl, close: usize) {
        self.text("schema ");
        self.text(&schema.name.name);
        let open_after = self.abs(schema.name.span.end);
        self.mark(open_after);
        self.block(open_after, close, schema.fields.is_empty(), |p| {
            for field in &schema.fields {
                let start = field.attributes.first().map_or(field.name.span.start, |a| a.span.start);
                p.member(p.abs(start));
                for attribute in &field.attributes {
                    p.text("@");
                    p.text(&attribute.name.name);
                    p.text(" ");
                }
                p.text(&field.name.name);
                p.text(": ");
                p.text(&type_text(&field.ty));
                p.text(",");
                p.mark(p.abs(field.ty.span.end));
                p.break_line();
            }
        });
    }

    fn enumeration(&mut self, decl: &EnumDecl, close: usize) {
        self.text("enum ");
        self.text(&decl.name.name);
        let open_after = self.abs(decl.name.span.end);
        self.mark(open_after);
        let names: Vec<&str> = decl.variants.iter().map(|(v, _)| v.name.as_str()).collect();
        let one_line = format!(" {{ {} }}", names.join(", "));
        if !names.is_empty()
            && !self.has_comment_in(open_after, close)
            && self.column() + one_line.chars().count() <= MAX_WIDTH
        {
            self.text(&one_line);
            self.mark(close + 1);
            return;
        }
        self.block(open_after, close, names.is_empty(), |p| {
            for (variant, _) in &decl.variants {
                p.member(p.abs(variant.span.start));
                p.text(&variant.name);
                p.text(",");
                p.mark(p.abs(variant.span.end));
                p.break_line();
            }
        });
    }

    fn override_decl(&mut self, decl: &OverrideDecl) {
        self.comments_before(self.abs(decl.target.span.start));
        self.text("override ");
        self.qname(&decl.target);
        self.text(" =");
        self.value_expr(&decl.value);
    }

    fn rule(&mut self, rule: &RuleDecl) {
        self.text("rule ");
        self.text(&rule.name.name);
        self.mark(self.abs(rule.name.span.end));
        if !rule.params.is_empty() {
            let params: Vec<String> =
                rule.params.iter().map(|param| format!("{}: {}", param.name.name, type_text(&param.ty))).collect();
            self.text(&format!("({})", params.join(", ")));
        }
        if let Some(on) = &rule.on {
            self.text(" on ");
            self.qname(on);
        }
        self.text(" =");
        self.value_expr(&rule.body);
    }

    fn deontic(&mut self, decl: &DeonticDecl, close: usize) {
        self.text(decl.modality.keyword());
        self.text(" ");
        self.text(&decl.name.name);
        self.text(" on ");
        self.qname(&decl.on);
        let open_after = self.abs(decl.on.span.end);
        self.block(open_after, close, decl.clauses.is_empty(), |p| {
            for clause in &decl.clauses {
                p.member(p.abs(clause_anchor(clause)));
                p.clause(clause);
            }
        });
    }

    /// A message after its clause's keyword: its first string on the keyword's line, each
    /// further string on a line of its own, indented under the clause.
    fn message(&mut self, message: &tenet_syntax::ast::Message) {
        self.indented(INDENT, |p| {
            for (i, string) in message.strings.iter().enumerate() {
                let text = p.slice(string.start, string.end).to_string();
                if i > 0 {
                    p.comments_before(p.abs(string.start));
                    p.break_line();
                } else {
                    p.text(" ");
                }
                p.text(&text);
                p.mark(p.abs(string.end));
            }
        });
    }

    fn clause(&mut self, clause: &Clause) {
        match clause {
            Clause::Area(id) | Clause::Severity(id) => {
                self.text(clause.keyword());
                self.text(": ");
                self.text(&id.name);
                self.mark(self.abs(id.span.end));
            }
            Clause::Cite(citations) => {
                self.text("cite:");
                self.indented(INDENT, |p| {
                    for (i, citation) in citations.iter().enumerate() {
                        let text = p.slice(citation.span.start, citation.span.end).to_string();
                        if i > 0 {
                            p.comments_before(p.abs(citation.span.start));
                        }
                        let comma = usize::from(i + 1 < citations.len());
                        if i > 0 && p.column() + 1 + text.chars().count() + comma > MAX_WIDTH {
                            p.break_line();
                        } else {
                            p.text(" ");
                        }
                        p.text(&text);
                        if comma == 1 {
                            p.text(",");
                        }
                        p.mark(p.abs(citation.span.end));
                    }
                });
            }
            Clause::Exception(target) => {
                self.text("exception to ");
                self.qname(target);
            }
            Clause::When(condition) => {
                self.text("when ");
                self.top_expr(condition, 0);
            }
            Clause::Require { kw, condition, .. } => {
                self.text(kw.text());
                self.text(" ");
                self.top_expr(condition, 0);
            }
            Clause::Because(message) => {
                self.text("because");
                self.message(message);
            }
            Clause::OutcomeMessage { outcome, message } => {
                self.text("if ");
                self.text(&outcome.name);
                self.mark(self.abs(outcome.span.end));
                self.message(message);
            }
        }
        self.break_line();
    }

    fn waiver(&mut self, waiver: &WaiverDecl, close: usize) {
        self.text("waiver ");
        self.qname(&waiver.target);
        let mut open_after = self.abs(waiver.target.span.end);
        if let Some(selector) = &waiver.selector {
            self.text(" where ");
            self.top_expr(selector, 2);
            let selector_start = self.abs(selector.span.start);
            open_after = self.tight_end(selector_start, self.abs(selector.span.end));
        }
        let mut fields: Vec<(u32, &str, u32)> = Vec::new();
        if let Some(reason) = &waiver.reason {
            fields.push((reason.span.start, "reason", reason.span.end));
        }
        if let Some(approver) = &waiver.approved_by {
            fields.push((approver.span.start, "approved_by", approver.span.end));
        }
        if let Some((_, span)) = &waiver.until {
            fields.push((span.start, "until", span.end));
        }
        fields.sort_unstable();
        self.block(open_after, close, fields.is_empty(), |p| {
            for (start, key, end) in fields {
                p.member(p.abs(start));
                p.text(key);
                p.text(": ");
                let value = p.slice(start, end).to_string();
                p.text(&value);
                p.mark(p.abs(end));
                p.break_line();
            }
        });
    }

    fn test(&mut self, test: &TestDecl, close: usize) {
        self.text("test ");
        let name = self.slice(test.name.span.start, test.name.span.end).to_string();
        self.text(&name);
        let open_after = self.abs(test.name.span.end);
        self.mark(open_after);
        let mut statements: Vec<(u32, TestStmt<'_>)> = Vec::new();
        if let Some((_, span)) = &test.today {
            statements.push((span.start, TestStmt::Today(span.start, span.end)));
        }
        statements.extend(test.overrides.iter().map(|o| (o.target.span.start, TestStmt::Override(o))));
        statements.extend(test.given.iter().map(|g| (g.span.start, TestStmt::Given(g))));
        statements.extend(test.expects.iter().map(|e| (e.span.start, TestStmt::Expect(e))));
        statements.sort_by_key(|(start, _)| *start);
        self.block(open_after, close, statements.is_empty(), |p| {
            for (start, statement) in &statements {
                p.member(p.abs(*start));
                match statement {
                    TestStmt::Today(start, end) => {
                        p.text("today ");
                        let date = p.slice(*start, *end).to_string();
                        p.text(&date);
                        p.mark(p.abs(*end));
                    }
                    TestStmt::Override(decl) => p.override_decl(decl),
                    TestStmt::Given(given) => {
                        p.text("given ");
                        p.qname(&given.kind);
                        p.text(" ");
                        match &given.source {
                            GivenSource::File(path) => {
                                p.text("from ");
                                let path_text = p.slice(path.span.start, path.span.end).to_string();
                                p.text(&path_text);
                                p.mark(p.abs(path.span.end));
                            }
                            GivenSource::Inline { span, .. } => p.inline_document(span.start, span.end),
                        }
                    }
                    TestStmt::Expect(expect) => {
                        p.text("expect ");
                        p.qname(&expect.target);
                        p.text(": ");
                        p.text(&expect.outcome.name);
                        p.mark(p.abs(expect.outcome.span.end));
                    }
                }
                p.break_line();
            }
        });
    }

    /// An inline YAML document: its lines as written, except that a closing brace alone on
    /// the last line is indented like the statement.
    fn inline_document(&mut self, start: u32, end: u32) {
        let text = self.slice(start, end).to_string();
        let indent = self.indent;
        let mut lines = text.split('\n').peekable();
        if let Some(first) = lines.next() {
            self.text(first);
        }
        while let Some(line) = lines.next() {
            let line = line.strip_suffix('\r').unwrap_or(line);
            self.raw_break();
            if lines.peek().is_none() && line.trim() == "}" {
                self.raw_text(&format!("{}}}", " ".repeat(indent)));
            } else {
                self.raw_text(line);
            }
        }
        self.mark(self.abs(end));
    }
}

/// Where a clause's first positioned part is.
fn clause_anchor(clause: &Clause) -> u32 {
    match clause {
        Clause::Area(id) | Clause::Severity(id) => id.span.start,
        Clause::Cite(citations) => citations.first().map_or(0, |c| c.span.start),
        Clause::When(condition) => condition.span.start,
        Clause::Require { kw_span, .. } => kw_span.start,
        Clause::Because(message) => message.span.start,
        Clause::OutcomeMessage { outcome, .. } => outcome.span.start,
        Clause::Exception(target) => target.span.start,
    }
}
