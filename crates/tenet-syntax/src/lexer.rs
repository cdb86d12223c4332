//! The one lexer for Tenet text. pest parses items; everything else that reads raw text (the
//! item splitter, the prescan, the formatter's comments, semantic tokens, completion context)
//! reads it as these tokens, so they agree on where strings, comments and words are.
//!
//! Tokens tile the input: every byte belongs to exactly one token, in order, so a scanner can
//! rebuild positions, columns and blank lines from them. Lexing never fails and never panics:
//! text the grammar does not allow becomes [`TokenKind::Unknown`], a number with a suffix the
//! grammar does not allow becomes [`TokenKind::MalformedNumber`], and a string without its
//! closing quote becomes [`TokenKind::UnterminatedString`]. No token but [`TokenKind::Newline`]
//! holds a line break, so lexing a single line gives the tokens the whole file has there.

use std::ops::Range;

/// Keywords that begin a top-level item.
pub const ITEM_KEYWORDS: &[&str] = &[
    "package",
    "use",
    "schema",
    "enum",
    "const",
    "rule",
    "obligation",
    "prohibition",
    "recommendation",
    "waiver",
    "test",
    "param",
    "override",
];

/// Keywords of clauses and expressions; with [`ITEM_KEYWORDS`], the reserved words.
pub const EXPRESSION_KEYWORDS: &[&str] = &[
    "when",
    "must",
    "should",
    "because",
    "not",
    "and",
    "or",
    "in",
    "contains",
    "is",
    "present",
    "absent",
    "empty",
    "within",
    "before",
    "today",
    "all",
    "any",
    "of",
    "where",
    "union",
    "intersect",
    "except",
    "true",
    "false",
    "count",
    "sum",
    "min",
    "max",
    "avg",
    "on",
    "exception",
];

/// Whether `word` is reserved and so cannot be a name.
pub fn is_reserved(word: &str) -> bool {
    ITEM_KEYWORDS.contains(&word) || EXPRESSION_KEYWORDS.contains(&word)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// A name: an ASCII letter or `_`, then ASCII letters, digits and `_`; not reserved.
    Ident,
    /// A reserved word (see [`is_reserved`]). Clause words such as `area` or `given` are not
    /// reserved and lex as [`TokenKind::Ident`].
    Keyword,
    /// Digits, with single `_` between them: `1_000`.
    Int,
    /// Digits, `.`, digits: `0.5`.
    Decimal,
    /// An integer with `h`, `d` or `bd`: `48h`, `10bd`.
    Duration,
    /// An integer or decimal with `%`: `2%`, `0.5%`.
    Percent,
    /// `YYYY-MM-DD`, not followed by a letter, digit or `_`.
    Date,
    /// Starts like a number but is none the grammar allows: `12abc`, `1.5h`, `1__0`.
    MalformedNumber,
    /// A string closed on its line, quotes included.
    String,
    /// A string whose line or the text ends before its closing quote; the line break is not
    /// part of it.
    UnterminatedString,
    /// `//` to the end of the line (line break excluded).
    LineComment,
    /// `///` to the end of the line (line break excluded); `////` is one too.
    DocComment,
    /// Spaces, tabs and carriage returns that do not end a line.
    Whitespace,
    /// `\n` or `\r\n`.
    Newline,
    /// `{`
    OpenBrace,
    /// `}`
    CloseBrace,
    /// `(`
    OpenParen,
    /// `)`
    CloseParen,
    /// `[`
    OpenBracket,
    /// `]`
    CloseBracket,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    EqEq,
    /// `!=`
    NotEq,
    /// `=`
    Eq,
    /// `:`
    Colon,
    /// `,`
    Comma,
    /// `.`
    Dot,
    /// `?`
    Question,
    /// `+`
    Plus,
    /// `-`
    Minus,
    /// `*`
    Star,
    /// `/`
    Slash,
    /// `@`, before an attribute's name
    At,
    /// One character the grammar has no use for outside strings and comments (`!`, `'`, `#`,
    /// `é`, a no-break space, …).
    Unknown,
}

impl TokenKind {
    /// Whitespace, line breaks and comments: what the grammar skips between tokens.
    pub fn is_trivia(self) -> bool {
        matches!(self, Self::Whitespace | Self::Newline | Self::LineComment | Self::DocComment)
    }

    /// A comment of either kind.
    pub fn is_comment(self) -> bool {
        matches!(self, Self::LineComment | Self::DocComment)
    }

    /// A string, closed or not.
    pub fn is_string(self) -> bool {
        matches!(self, Self::String | Self::UnterminatedString)
    }

    /// A name or a reserved word.
    pub fn is_word(self) -> bool {
        matches!(self, Self::Ident | Self::Keyword)
    }

    /// Any numeric literal, malformed ones included.
    pub fn is_number(self) -> bool {
        matches!(self, Self::Int | Self::Decimal | Self::Duration | Self::Percent | Self::Date | Self::MalformedNumber)
    }

    /// A bracket that opens a group: `(`, `[` or `{`.
    pub fn is_open_bracket(self) -> bool {
        matches!(self, Self::OpenParen | Self::OpenBracket | Self::OpenBrace)
    }

    /// A bracket that closes a group: `)`, `]` or `}`.
    pub fn is_close_bracket(self) -> bool {
        matches!(self, Self::CloseParen | Self::CloseBracket | Self::CloseBrace)
    }
}

/// A token: its kind and the bytes `start..end` of the text it was lexed from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Token {
    pub kind: TokenKind,
    /// First byte; always a character boundary.
    pub start: usize,
    /// One past the last byte; always a character boundary, and more than `start`.
    pub end: usize,
}

impl Token {
    /// The token's bytes as a range.
    pub fn range(self) -> Range<usize> {
        self.start..self.end
    }

    /// The token's text in `source`, the text it was lexed from.
    pub fn text(self, source: &str) -> &str {
        source.get(self.range()).unwrap_or("")
    }
}

/// The tokens of `text`, from its start.
pub fn tokenize(text: &str) -> Lexer<'_> {
    Lexer::new(text)
}

/// An iterator over the tokens of a text; offsets are into that text.
#[derive(Clone, Debug)]
pub struct Lexer<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Lexer<'a> {
    /// Lexes `text` from its start.
    pub fn new(text: &'a str) -> Self {
        Lexer { text, pos: 0 }
    }

    /// Lexes `text` from byte `offset` (moved forward to a character boundary, and clamped to
    /// the end), as if the text began there. Restarting at the start of a line, or where a
    /// token ended, gives the tokens the whole text has from there on.
    pub fn starting_at(text: &'a str, offset: usize) -> Self {
        let mut pos = offset.min(text.len());
        while !text.is_char_boundary(pos) {
            pos += 1;
        }
        Lexer { text, pos }
    }
}

impl Iterator for Lexer<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        let rest = self.text.get(self.pos..)?;
        let (kind, len) = lex_one(rest)?;
        let start = self.pos;
        // `lex_one` always consumes at least one character; `max` keeps that a guarantee.
        self.pos = (start + len).max(start + 1).min(self.text.len());
        Some(Token { kind, start, end: self.pos })
    }
}

/// The kind and length of the token at the start of `rest`, or `None` when it is empty.
fn lex_one(rest: &str) -> Option<(TokenKind, usize)> {
    let bytes = rest.as_bytes();
    let first = rest.chars().next()?;
    let second = bytes.get(1).copied();
    let single = |kind| Some((kind, 1));
    match first {
        '\n' => single(TokenKind::Newline),
        '\r' if second == Some(b'\n') => Some((TokenKind::Newline, 2)),
        ' ' | '\t' | '\r' => Some((TokenKind::Whitespace, whitespace_len(bytes))),
        '/' if second == Some(b'/') => {
            let kind = if bytes.get(2) == Some(&b'/') { TokenKind::DocComment } else { TokenKind::LineComment };
            Some((kind, line_len(rest)))
        }
        '"' => Some(string(bytes)),
        'a'..='z' | 'A'..='Z' | '_' => {
            let len = ident_len(bytes, 0);
            let word = rest.get(..len).unwrap_or("");
            Some((if is_reserved(word) { TokenKind::Keyword } else { TokenKind::Ident }, len))
        }
        '0'..='9' => Some(number(rest)),
        '{' => single(TokenKind::OpenBrace),
        '}' => single(TokenKind::CloseBrace),
        '(' => single(TokenKind::OpenParen),
        ')' => single(TokenKind::CloseParen),
        '[' => single(TokenKind::OpenBracket),
        ']' => single(TokenKind::CloseBracket),
        '<' if second == Some(b'=') => Some((TokenKind::Le, 2)),
        '<' => single(TokenKind::Lt),
        '>' if second == Some(b'=') => Some((TokenKind::Ge, 2)),
        '>' => single(TokenKind::Gt),
        '=' if second == Some(b'=') => Some((TokenKind::EqEq, 2)),
        '=' => single(TokenKind::Eq),
        '!' if second == Some(b'=') => Some((TokenKind::NotEq, 2)),
        ':' => single(TokenKind::Colon),
        ',' => single(TokenKind::Comma),
        '.' => single(TokenKind::Dot),
        '?' => single(TokenKind::Question),
        '+' => single(TokenKind::Plus),
        '-' => single(TokenKind::Minus),
        '*' => single(TokenKind::Star),
        '/' => single(TokenKind::Slash),
        '@' => single(TokenKind::At),
        other => Some((TokenKind::Unknown, other.len_utf8())),
    }
}

/// Whether `bytes[i..]` starts with a line break (`\n` or `\r\n`).
fn line_break_at(bytes: &[u8], i: usize) -> bool {
    match bytes.get(i) {
        Some(b'\n') => true,
        Some(b'\r') => bytes.get(i + 1) == Some(&b'\n'),
        _ => false,
    }
}

fn whitespace_len(bytes: &[u8]) -> usize {
    let mut len = 0;
    while matches!(bytes.get(len), Some(b' ' | b'\t' | b'\r')) && !line_break_at(bytes, len) {
        len += 1;
    }
    len
}

/// The length of the line that `rest` starts, without its line break.
fn line_len(rest: &str) -> usize {
    match rest.find('\n') {
        Some(n) if rest.get(..n).is_some_and(|line| line.ends_with('\r')) => n - 1,
        Some(n) => n,
        None => rest.len(),
    }
}

/// A string starting at its `"`. Escapes are a `\` and any character but a line break; a
/// string never continues onto the next line. Only ASCII bytes end a string, so the length
/// is always a character boundary.
fn string(bytes: &[u8]) -> (TokenKind, usize) {
    let mut i = 1;
    loop {
        if line_break_at(bytes, i) {
            return (TokenKind::UnterminatedString, i);
        }
        match bytes.get(i) {
            None => return (TokenKind::UnterminatedString, i),
            Some(b'"') => return (TokenKind::String, i + 1),
            Some(b'\\') if !line_break_at(bytes, i + 1) && i + 1 < bytes.len() => i += 2,
            Some(_) => i += 1,
        }
    }
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The length of the run of identifier bytes from `from`.
fn ident_len(bytes: &[u8], from: usize) -> usize {
    bytes.get(from..).map_or(0, |rest| rest.iter().take_while(|b| is_ident_byte(**b)).count())
}

/// The length of the run of digits and `_` from `from`, and whether the grammar's `digits`
/// allows it (a `_` only between two digits).
fn digits(bytes: &[u8], from: usize) -> (usize, bool) {
    let run = bytes.get(from..).unwrap_or(&[]);
    let len = run.iter().take_while(|b| b.is_ascii_digit() || **b == b'_').count();
    let text = run.get(..len).unwrap_or(&[]);
    let valid = text.first().is_some_and(u8::is_ascii_digit)
        && text.last().is_some_and(u8::is_ascii_digit)
        && !text.windows(2).any(|pair| pair == b"__");
    (len, valid)
}

/// Whether `bytes` starts with a date: `DDDD-DD-DD` not followed by an identifier byte.
fn is_date(bytes: &[u8]) -> bool {
    let Some(head) = bytes.get(..10) else { return false };
    let shape = head.iter().enumerate().all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() });
    shape && !bytes.get(10).copied().is_some_and(is_ident_byte)
}

/// A numeric literal starting at a digit. The numeric part is read as the grammar reads it;
/// letters, digits and `_` right after it are a suffix, which makes a duration (`h`, `d`,
/// `bd` after an integer) or a malformed number.
fn number(rest: &str) -> (TokenKind, usize) {
    let bytes = rest.as_bytes();
    if is_date(bytes) {
        return (TokenKind::Date, 10);
    }
    let (int_len, mut valid) = digits(bytes, 0);
    let mut len = int_len;
    let mut kind = TokenKind::Int;
    if bytes.get(len) == Some(&b'.') && bytes.get(len + 1).is_some_and(u8::is_ascii_digit) {
        let (fraction_len, fraction_valid) = digits(bytes, len + 1);
        len += 1 + fraction_len;
        valid &= fraction_valid;
        kind = TokenKind::Decimal;
    }
    if bytes.get(len) == Some(&b'%') {
        return (if valid { TokenKind::Percent } else { TokenKind::MalformedNumber }, len + 1);
    }
    let suffix_len = ident_len(bytes, len);
    if suffix_len > 0 {
        let suffix = rest.get(len..len + suffix_len).unwrap_or("");
        let duration = kind == TokenKind::Int && matches!(suffix, "h" | "d" | "bd");
        kind = if duration { TokenKind::Duration } else { TokenKind::MalformedNumber };
        len += suffix_len;
    }
    (if valid { kind } else { TokenKind::MalformedNumber }, len)
}

/// A `{path}` hole in a string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StringHole {
    /// The text between the braces (or, when the hole is not closed, from its `{` to the next
    /// escape or the end of the string's text).
    pub content: Range<usize>,
    /// Whether a `}` closes it; the parser reports one that does not.
    pub closed: bool,
}

/// The `{path}` holes of a string token. Holes are read the way the parser reads `because`
/// messages: `\{` is a literal brace, and a hole closes at the first `}` before any escape or
/// the closing quote.
pub fn string_holes(source: &str, string: Token) -> Vec<StringHole> {
    let mut holes = Vec::new();
    if !string.kind.is_string() {
        return holes;
    }
    let bytes = source.as_bytes();
    // Skip the opening quote; a closed string's closing quote is not content.
    let content_end = if string.kind == TokenKind::String { string.end.saturating_sub(1) } else { string.end };
    let mut i = string.start + 1;
    while i < content_end {
        match bytes.get(i) {
            Some(b'\\') => i += 2,
            Some(b'{') => {
                let stop = (i + 1..content_end).find(|&j| matches!(bytes.get(j), Some(b'}' | b'\\')));
                let closed = stop.is_some_and(|j| bytes.get(j) == Some(&b'}'));
                let end = stop.unwrap_or(content_end);
                holes.push(StringHole { content: i + 1..end, closed });
                i = if closed { end + 1 } else { end };
            }
            _ => i += 1,
        }
    }
    holes
}

#[cfg(test)]
mod tests {
    use super::*;
    use TokenKind::*;

    /// Each token as its kind and text.
    fn lexed(text: &str) -> Vec<(TokenKind, &str)> {
        tokenize(text).map(|t| (t.kind, t.text(text))).collect()
    }

    /// The tokens that are not whitespace or line breaks.
    fn solid(text: &str) -> Vec<(TokenKind, &str)> {
        lexed(text).into_iter().filter(|(k, _)| !matches!(k, Whitespace | Newline)).collect()
    }

    #[test]
    fn doc_comments_and_line_comments() {
        assert_eq!(
            lexed("/// doc\n// note\n////x\n//"),
            [
                (DocComment, "/// doc"),
                (Newline, "\n"),
                (LineComment, "// note"),
                (Newline, "\n"),
                (DocComment, "////x"),
                (Newline, "\n"),
                (LineComment, "//")
            ]
        );
    }

    #[test]
    fn a_comment_ends_before_a_crlf_but_keeps_a_lone_cr() {
        assert_eq!(lexed("// a\r\nx"), [(LineComment, "// a"), (Newline, "\r\n"), (Ident, "x")]);
        assert_eq!(lexed("// a\rb"), [(LineComment, "// a\rb")]);
        assert_eq!(lexed(" \r \r\n"), [(Whitespace, " \r "), (Newline, "\r\n")]);
    }

    #[test]
    fn strings_hold_slashes_quotes_and_escapes() {
        assert_eq!(
            solid(r#"x = "http://a" // c"#),
            [(Ident, "x"), (Eq, "="), (String, r#""http://a""#), (LineComment, "// c")]
        );
        assert_eq!(solid(r#""say \"hi\" \\" y"#), [(String, r#""say \"hi\" \\""#), (Ident, "y")]);
    }

    #[test]
    fn unterminated_strings_stop_at_the_line_break() {
        assert_eq!(lexed("\"abc\nx"), [(UnterminatedString, "\"abc"), (Newline, "\n"), (Ident, "x")]);
        assert_eq!(lexed("\"abc\r\n"), [(UnterminatedString, "\"abc"), (Newline, "\r\n")]);
        // An escape cannot swallow the line break.
        assert_eq!(lexed("\"a\\\nb"), [(UnterminatedString, "\"a\\"), (Newline, "\n"), (Ident, "b")]);
        assert_eq!(lexed("\"a\\"), [(UnterminatedString, "\"a\\")]);
        assert_eq!(lexed("\""), [(UnterminatedString, "\"")]);
    }

    #[test]
    fn numbers_as_the_grammar_writes_them() {
        assert_eq!(
            solid("10bd 48h 3d 2% 0.5% 2026-03-01 1_000 2.75"),
            [
                (Duration, "10bd"),
                (Duration, "48h"),
                (Duration, "3d"),
                (Percent, "2%"),
                (Percent, "0.5%"),
                (Date, "2026-03-01"),
                (Int, "1_000"),
                (Decimal, "2.75"),
            ]
        );
    }

    #[test]
    fn numbers_the_grammar_rejects_are_malformed() {
        assert_eq!(
            solid("12abc 1.5h 1__0 1_ 10bdx"),
            [
                (MalformedNumber, "12abc"),
                (MalformedNumber, "1.5h"),
                (MalformedNumber, "1__0"),
                (MalformedNumber, "1_"),
                (MalformedNumber, "10bdx"),
            ]
        );
    }

    #[test]
    fn dashes_that_are_not_dates_are_minus() {
        assert_eq!(lexed("5-3"), [(Int, "5"), (Minus, "-"), (Int, "3")]);
        assert_eq!(lexed("2026-03-011"), [(Int, "2026"), (Minus, "-"), (Int, "03"), (Minus, "-"), (Int, "011")]);
        assert_eq!(lexed("1.x"), [(Int, "1"), (Dot, "."), (Ident, "x")]);
    }

    #[test]
    fn words_keywords_and_operators() {
        assert_eq!(
            solid("rule r(x: int) = x.y <= 2 and z != w >= v == u < t > s ? + - * /"),
            [
                (Keyword, "rule"),
                (Ident, "r"),
                (OpenParen, "("),
                (Ident, "x"),
                (Colon, ":"),
                (Ident, "int"),
                (CloseParen, ")"),
                (Eq, "="),
                (Ident, "x"),
                (Dot, "."),
                (Ident, "y"),
                (Le, "<="),
                (Int, "2"),
                (Keyword, "and"),
                (Ident, "z"),
                (NotEq, "!="),
                (Ident, "w"),
                (Ge, ">="),
                (Ident, "v"),
                (EqEq, "=="),
                (Ident, "u"),
                (Lt, "<"),
                (Ident, "t"),
                (Gt, ">"),
                (Ident, "s"),
                (Question, "?"),
                (Plus, "+"),
                (Minus, "-"),
                (Star, "*"),
                (Slash, "/"),
            ]
        );
        assert_eq!(solid("area intersect in_x"), [(Ident, "area"), (Keyword, "intersect"), (Ident, "in_x")]);
    }

    #[test]
    fn a_lone_slash_and_odd_characters() {
        assert_eq!(lexed("/"), [(Slash, "/")]);
        assert_eq!(lexed("a/b"), [(Ident, "a"), (Slash, "/"), (Ident, "b")]);
        assert_eq!(lexed("!'#"), [(Unknown, "!"), (Unknown, "'"), (Unknown, "#")]);
    }

    #[test]
    fn non_ascii_in_strings_comments_and_names() {
        assert_eq!(
            lexed("\"Zürich 😀\" // größe\njährlich"),
            [
                (String, "\"Zürich 😀\""),
                (Whitespace, " "),
                (LineComment, "// größe"),
                (Newline, "\n"),
                (Ident, "j"),
                (Unknown, "ä"),
                (Ident, "hrlich"),
            ]
        );
        assert_eq!(lexed("\"\\é\""), [(String, "\"\\é\"")]);
        assert_eq!(lexed("\u{a0}"), [(Unknown, "\u{a0}")]);
    }

    #[test]
    fn restarting_mid_text_moves_to_a_character_boundary() {
        let text = "é x";
        let tokens: Vec<Token> = Lexer::starting_at(text, 1).collect();
        assert_eq!(tokens.first().map(|t| t.start), Some(2));
        assert_eq!(Lexer::starting_at(text, 99).next(), None);
    }

    #[test]
    fn holes_in_strings() {
        let text = r#""a {vendor.name} \{x} {y" "{b\}c}" "{}""#;
        let strings: Vec<Token> = tokenize(text).filter(|t| t.kind == String).collect();
        let holes: Vec<Vec<(&str, bool)>> = strings
            .iter()
            .map(|s| {
                string_holes(text, *s).into_iter().map(|h| (text.get(h.content).unwrap_or("?"), h.closed)).collect()
            })
            .collect();
        assert_eq!(holes, [vec![("vendor.name", true), ("y", false)], vec![("b", false)], vec![("", true)]]);
    }

    /// A small seeded generator (xorshift), so the property tests need no dependency.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            usize::try_from(self.next() % u64::try_from(n).unwrap_or(1)).unwrap_or(0)
        }
    }

    /// Fragments that meet at the lexer's edges: quotes, escapes, slashes, line breaks,
    /// number shapes, multi-byte characters.
    const FRAGMENTS: &[&str] = &[
        "\"",
        "\\",
        "/",
        "//",
        "///",
        "\n",
        "\r",
        "\r\n",
        " ",
        "\t",
        "0",
        "9",
        "_",
        "-",
        ".",
        "%",
        "a",
        "h",
        "bd",
        "d",
        "rule",
        "in",
        "{",
        "}",
        "(",
        "]",
        "<",
        "=",
        "!",
        "'",
        "é",
        "😀",
        "\u{a0}",
        "2026-03-01",
        "1.5",
        "#",
        "?",
    ];

    fn random_text(rng: &mut Rng) -> std::string::String {
        let len = rng.below(40);
        (0..len).map(|_| FRAGMENTS.get(rng.below(FRAGMENTS.len())).copied().unwrap_or("")).collect()
    }

    #[test]
    fn tokens_tile_any_input() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..5_000 {
            let text = random_text(&mut rng);
            let mut at = 0;
            for token in tokenize(&text) {
                assert_eq!(token.start, at, "gap or overlap in {text:?}");
                assert!(token.end > token.start, "empty token in {text:?}");
                assert!(text.is_char_boundary(token.end), "token ends inside a character in {text:?}");
                assert!(
                    token.kind == Newline || !token.text(&text).contains('\n'),
                    "a token holds a line break in {text:?}"
                );
                at = token.end;
            }
            assert_eq!(at, text.len(), "tokens stop short in {text:?}");
        }
    }

    #[test]
    fn lexing_line_by_line_gives_the_same_tokens() {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        for _ in 0..2_000 {
            let text = random_text(&mut rng);
            let whole: Vec<Token> = tokenize(&text).collect();
            let mut by_line = Vec::new();
            let mut line_start = 0;
            for line in text.split_inclusive('\n') {
                by_line.extend(Lexer::new(line).map(|t| Token {
                    start: t.start + line_start,
                    end: t.end + line_start,
                    ..t
                }));
                line_start += line.len();
            }
            assert_eq!(whole, by_line, "in {text:?}");
        }
    }

    #[test]
    fn long_pathological_input_lexes() {
        for unit in ["\"\\", "////", "9_", "\r", "é"] {
            let text = unit.repeat(100_000);
            assert_eq!(tokenize(&text).last().map(|t| t.end), Some(text.len()));
        }
    }
}
