//! The table of diagnostic codes in `docs/language.md` is generated from
//! `tenet_syntax::codes::ALL`; this test fails when the two drift apart. Run it with
//! `TENET_UPDATE_DOCS=1` to rewrite the table.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "a test fails loudly on unexpected input")]

const START: &str = "<!-- codes: generated from crates/tenet-syntax/src/codes.rs -->\n";
const END: &str = "<!-- end of codes -->\n";

#[test]
fn the_reference_lists_every_code_as_the_registry_says() {
    let path = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/language.md"));
    let text = std::fs::read_to_string(path).unwrap();
    let start = text.find(START).expect("docs/language.md lacks the start marker of the code table") + START.len();
    let end = start + text[start..].find(END).expect("docs/language.md lacks the end marker of the code table");
    let generated = format!("\n{}\n", tenet_syntax::codes::reference_table());
    if text[start..end] == generated {
        return;
    }
    if std::env::var_os("TENET_UPDATE_DOCS").is_some() {
        std::fs::write(path, format!("{}{generated}{}", &text[..start], &text[end..])).unwrap();
        return;
    }
    panic!(
        "the code table in docs/language.md differs from crates/tenet-syntax/src/codes.rs; \
         run `TENET_UPDATE_DOCS=1 cargo test -p tenet-syntax --test code_table` to regenerate it"
    );
}
