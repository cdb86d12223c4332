//! Expressions: printed on one line when they fit and hold no comment; otherwise `and`/`or`
//! chains break before each operator, long lists put one element per line, and quantifier
//! bodies move to their own line.

use crate::printer::Printer;
use crate::printer::{INDENT, MAX_WIDTH};
use tenet_syntax::ast::{BinOp, Binding, Expr, ExprKind, IsTest, Quant};

impl Printer<'_> {
    /// The source text of an item-relative span.
    pub fn slice(&self, start: u32, end: u32) -> &str {
        self.src.get(self.abs(start)..self.abs(end)).unwrap_or("")
    }

    /// `e` on one line.
    pub fn flat(&self, e: &Expr) -> String {
        let mut out = String::new();
        self.flat_into(e, &mut out);
        out
    }

    fn flat_into(&self, e: &Expr, out: &mut String) {
        match &e.kind {
            ExprKind::Literal(_) | ExprKind::Error => out.push_str(self.slice(e.span.start, e.span.end)),
            ExprKind::Today => out.push_str("today"),
            ExprKind::Name(id) => out.push_str(&id.name),
            ExprKind::Field(base, field) => {
                self.flat_into(base, out);
                out.push('.');
                out.push_str(&field.name);
            }
            ExprKind::Call(name, args) => {
                out.push_str(&name.name);
                self.flat_list(args, "(", ")", out);
            }
            ExprKind::List(elements) => self.flat_list(elements, "[", "]", out),
            ExprKind::Set(elements) => self.flat_list(elements, "{", "}", out),
            ExprKind::Not(inner) => {
                out.push_str("not ");
                self.flat_into(inner, out);
            }
            ExprKind::Neg(inner) => {
                out.push('-');
                self.flat_into(inner, out);
            }
            ExprKind::Binary(op, lhs, rhs) => {
                self.flat_into(lhs, out);
                out.push(' ');
                out.push_str(op.text());
                out.push(' ');
                self.flat_into(rhs, out);
            }
            ExprKind::Is(test, inner) => {
                if is_present_call(e, inner) {
                    out.push_str("present(");
                    self.flat_into(inner, out);
                    out.push(')');
                } else {
                    self.flat_into(inner, out);
                    out.push(' ');
                    out.push_str(is_text(*test));
                }
            }
            ExprKind::Within { subject, window, anchor } => {
                self.flat_into(subject, out);
                out.push_str(" within ");
                self.flat_into(window, out);
                out.push_str(" before ");
                self.flat_into(anchor, out);
            }
            ExprKind::Quantified(quant, binding, body) => {
                out.push_str(quant_text(*quant));
                out.push(' ');
                self.flat_binding(binding, out);
                out.push_str(": ");
                self.flat_into(body, out);
            }
            ExprKind::Aggregate { func, binding, value } => {
                out.push_str(func.text());
                out.push('(');
                match binding {
                    Some(binding) => {
                        self.flat_binding(binding, out);
                        if let Some(value) = value {
                            out.push_str(": ");
                            self.flat_into(value, out);
                        }
                    }
                    None => {
                        if let Some(value) = value {
                            self.flat_into(value, out);
                        }
                    }
                }
                out.push(')');
            }
            ExprKind::Paren(inner) => {
                out.push('(');
                self.flat_into(inner, out);
                out.push(')');
            }
        }
    }

    fn flat_binding(&self, binding: &Binding, out: &mut String) {
        out.push_str(&binding.var.name);
        out.push_str(" in ");
        self.flat_into(&binding.collection, out);
        if let Some(filter) = &binding.filter {
            out.push_str(" where ");
            self.flat_into(filter, out);
        }
    }

    fn flat_list(&self, elements: &[Expr], open: &str, close: &str, out: &mut String) {
        out.push_str(open);
        for (i, element) in elements.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            self.flat_into(element, out);
        }
        out.push_str(close);
    }

    /// `e` on one line if it fits in the width with `reserve` columns left after it and holds
    /// no comment.
    ///
    /// Only comments before `e`'s last flush point count: one after it (say, between `is`
    /// and `empty`) is written after `e` anyway, so it must not change how `e` is laid out,
    /// or the next run would lay `e` out differently.
    fn fitting(&self, e: &Expr, reserve: usize) -> Option<String> {
        if self.has_comment_in(self.abs(e.span.start), self.abs(last_flush(e))) {
            return None;
        }
        let flat = self.flat(e);
        (self.column() + flat.chars().count() + reserve <= MAX_WIDTH).then_some(flat)
    }

    /// Prints an expression that starts a clause or a declaration's value. Lines it breaks
    /// onto are indented one level deeper than the current block.
    pub fn top_expr(&mut self, e: &Expr, reserve: usize) {
        self.indented(INDENT, |p| p.expr(e, reserve));
    }

    /// Prints the value after `=` in a declaration. An `and`/`or` chain that does not fit on
    /// the line moves to the next one, one level in, with each operator leading a line at
    /// that same level; other values stay on the line and break inside.
    pub fn value_expr(&mut self, e: &Expr) {
        let is_chain = matches!(e.kind, ExprKind::Binary(BinOp::And | BinOp::Or, _, _));
        if is_chain && self.fitting(e, 1).is_none() {
            self.indented(INDENT, |p| {
                p.break_line();
                p.expr(e, 0);
            });
        } else {
            self.text(" ");
            self.top_expr(e, 0);
        }
    }

    /// Prints `e`, breaking it over lines where it does not fit.
    pub fn expr(&mut self, e: &Expr, reserve: usize) {
        let start = self.abs(e.span.start);
        self.comments_before(start);
        if let Some(flat) = self.fitting(e, reserve) {
            self.text(&flat);
            self.mark(self.abs(e.span.end));
            return;
        }
        match &e.kind {
            ExprKind::Literal(_) | ExprKind::Error | ExprKind::Today | ExprKind::Name(_) => {
                let flat = self.flat(e);
                self.text(&flat);
            }
            ExprKind::Field(base, field) => {
                self.expr(base, 0);
                self.comments_before(self.abs(field.span.start));
                self.text(".");
                self.text(&field.name);
            }
            ExprKind::Call(name, args) => {
                self.text(&name.name);
                self.sequence(args, "(", ")", e);
            }
            ExprKind::List(elements) => self.sequence(elements, "[", "]", e),
            ExprKind::Set(elements) => self.sequence(elements, "{", "}", e),
            ExprKind::Not(inner) => {
                self.text("not ");
                self.expr(inner, reserve);
            }
            ExprKind::Neg(inner) => {
                self.text("-");
                self.expr(inner, reserve);
            }
            ExprKind::Binary(op @ (BinOp::And | BinOp::Or), _, _) => self.chain(e, *op, reserve),
            ExprKind::Binary(op, lhs, rhs) => {
                self.expr(lhs, 0);
                self.text(" ");
                self.text(op.text());
                self.text(" ");
                self.expr(rhs, reserve);
            }
            ExprKind::Is(test, inner) => {
                if is_present_call(e, inner) {
                    self.text("present(");
                    self.expr(inner, reserve + 1);
                    self.close(e, ")");
                } else {
                    self.expr(inner, 0);
                    self.text(" ");
                    self.text(is_text(*test));
                }
            }
            ExprKind::Within { subject, window, anchor } => {
                self.expr(subject, 0);
                self.text(" within ");
                self.expr(window, 0);
                self.text(" before ");
                self.expr(anchor, reserve);
            }
            ExprKind::Quantified(quant, binding, body) => {
                self.text(quant_text(*quant));
                self.text(" ");
                self.binding(binding, 1);
                self.text(":");
                let body_start = self.abs(body.span.start);
                let fits_after = !self.has_comment_before(body_start) && self.fitting(body, reserve + 1).is_some();
                if fits_after {
                    self.text(" ");
                    self.expr(body, reserve);
                } else {
                    self.indented(INDENT, |p| {
                        p.comments_before(body_start);
                        p.break_line();
                        p.expr(body, reserve);
                    });
                }
            }
            ExprKind::Aggregate { func, binding, value } => {
                self.text(func.text());
                self.text("(");
                match binding {
                    Some(binding) => {
                        let after = if value.is_some() { 1 } else { reserve + 1 };
                        self.binding(binding, after);
                        if let Some(value) = value {
                            self.text(": ");
                            self.expr(value, reserve + 1);
                        }
                    }
                    None => {
                        if let Some(value) = value {
                            self.expr(value, reserve + 1);
                        }
                    }
                }
                self.close(e, ")");
            }
            ExprKind::Paren(inner) => {
                self.text("(");
                self.expr(inner, reserve + 1);
                self.close(e, ")");
            }
        }
        self.mark(self.abs(e.span.end));
    }

    /// A closing bracket: comments before it first.
    fn close(&mut self, e: &Expr, bracket: &str) {
        self.comments_before(self.abs(e.span.end.saturating_sub(1)));
        self.text(bracket);
    }

    fn binding(&mut self, binding: &Binding, reserve: usize) {
        self.comments_before(self.abs(binding.var.span.start));
        self.text(&binding.var.name);
        self.text(" in ");
        match &binding.filter {
            Some(filter) => {
                self.expr(&binding.collection, 0);
                self.text(" where ");
                self.expr(filter, reserve);
            }
            None => self.expr(&binding.collection, reserve),
        }
    }

    /// An `and` or `or` chain that does not fit: the first operand stays on the current line,
    /// each further one starts a line with the operator. Operands that break themselves are
    /// indented one level more.
    fn chain(&mut self, e: &Expr, op: BinOp, reserve: usize) {
        let mut operands = Vec::new();
        flatten(e, op, &mut operands);
        let last = operands.len().saturating_sub(1);
        self.start_line();
        for (i, operand) in operands.into_iter().enumerate() {
            let own_reserve = if i == last { reserve } else { 0 };
            if i > 0 {
                self.comments_before(self.abs(operand.span.start));
                self.break_line();
                self.text(op.text());
                self.text(" ");
            }
            self.indented(INDENT, |p| p.expr(operand, own_reserve));
        }
    }

    /// Elements between brackets that do not fit on one line: short elements fill lines,
    /// others go one per line; either way each line is indented one level and the last
    /// element has a trailing comma.
    fn sequence(&mut self, elements: &[Expr], open: &str, close: &str, whole: &Expr) {
        self.text(open);
        let close_pos = self.abs(whole.span.end.saturating_sub(1));
        if elements.is_empty() {
            self.comments_before(close_pos);
            self.text(close);
            return;
        }
        let commented = self.has_comment_in(self.abs(whole.span.start), close_pos);
        let fill = !commented && elements.iter().all(is_short);
        // Elements one level deeper than the line the bracket opens on; the closing bracket
        // back at that line's indentation.
        let outer = self.indent;
        let line_indent = self.line_indent();
        self.indent = line_indent;
        self.indented(INDENT, |p| {
            p.break_line();
            for element in elements {
                p.comments_before(p.abs(element.span.start));
                if fill {
                    let flat = p.flat(element);
                    let at_start = p.column() == p.indent;
                    if !at_start && p.column() + 1 + flat.chars().count() + 1 > MAX_WIDTH {
                        p.break_line();
                    } else if !at_start {
                        p.text(" ");
                    }
                    p.text(&flat);
                    p.text(",");
                    p.mark(p.abs(element.span.end));
                } else {
                    p.break_line();
                    p.expr(element, 1);
                    p.text(",");
                }
            }
            p.comments_before(close_pos);
        });
        self.break_line();
        self.text(close);
        self.indent = outer;
    }
}

/// The last position inside `e` before which printing `e` writes pending comments: the start
/// of its last sub-expression, field name or closing bracket.
fn last_flush(e: &Expr) -> u32 {
    let close = e.span.end.saturating_sub(1);
    match &e.kind {
        ExprKind::Literal(_) | ExprKind::Error | ExprKind::Today | ExprKind::Name(_) => e.span.start,
        ExprKind::Field(_, field) => field.span.start,
        ExprKind::Call(..) | ExprKind::List(_) | ExprKind::Set(_) | ExprKind::Aggregate { .. } | ExprKind::Paren(_) => {
            close
        }
        ExprKind::Is(_, inner) if is_present_call(e, inner) => close,
        ExprKind::Not(inner) | ExprKind::Neg(inner) | ExprKind::Is(_, inner) => last_flush(inner),
        ExprKind::Binary(_, _, rhs) => last_flush(rhs),
        ExprKind::Within { anchor, .. } => last_flush(anchor),
        ExprKind::Quantified(_, _, body) => last_flush(body),
    }
}

/// Whether a list element is short enough to share a line with others.
fn is_short(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Literal(_) | ExprKind::Name(_) | ExprKind::Today => true,
        ExprKind::Neg(inner) => is_short(inner),
        ExprKind::Field(base, _) => is_short(base),
        _ => false,
    }
}

/// The operands of a chain of one operator, left to right. Parenthesised operands stay whole.
fn flatten<'e>(e: &'e Expr, op: BinOp, out: &mut Vec<&'e Expr>) {
    match &e.kind {
        ExprKind::Binary(inner, lhs, rhs) if *inner == op => {
            flatten(lhs, op, out);
            flatten(rhs, op, out);
        }
        _ => out.push(e),
    }
}

/// `present(x)` rather than `x is present`: the test starts before its operand.
fn is_present_call(e: &Expr, inner: &Expr) -> bool {
    matches!(e.kind, ExprKind::Is(IsTest::Present, _)) && e.span.start < inner.span.start
}

fn is_text(test: IsTest) -> &'static str {
    match test {
        IsTest::Present => "is present",
        IsTest::Absent => "is absent",
        IsTest::Empty => "is empty",
        IsTest::NotEmpty => "is not empty",
    }
}

fn quant_text(quant: Quant) -> &'static str {
    match quant {
        Quant::All => "all",
        Quant::Any => "any",
    }
}
