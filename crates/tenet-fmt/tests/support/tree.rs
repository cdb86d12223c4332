//! A syntax tree compared without positions: what "formatting keeps the tree" means. Shared by
//! the formatter's property tests and the `format` fuzz target (`fuzz/src/lib.rs`, `#[path]`).

/// The syntax tree of `text` without positions, as text (the tree's equality includes spans).
/// Panics when `text` has a syntax error.
pub fn span_free_tree(text: &str) -> String {
    let parsed = tenet_syntax::parse_file(text);
    assert!(
        parsed.errors.iter().all(|e| e.level != tenet_syntax::Level::Error),
        "does not parse: {:?}\n{text}",
        parsed.errors
    );
    let items: Vec<_> = parsed.items.iter().map(|node| &node.item).collect();
    let debug = format!("{items:?}");
    // Drop the numbers of `start: N`, `end: N` (spans). An inline document's closing brace
    // is re-indented by design, so the spaces before it are dropped too.
    let debug = drop_after(&debug, "start: ", |c| c.is_ascii_digit());
    let debug = drop_after(&debug, "end: ", |c| c.is_ascii_digit());
    drop_after(&debug, "\\n", |c| c == ' ')
}

/// `text` with the characters matching `drop` removed right after each `marker`.
fn drop_after(text: &str, marker: &str, drop: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(marker) {
        let (head, tail) = rest.split_at(i + marker.len());
        out.push_str(head);
        rest = tail.trim_start_matches(&drop);
    }
    out.push_str(rest);
    out
}
