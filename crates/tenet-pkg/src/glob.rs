//! The globs of `[inputs]` and `[samples]`: `/`-separated, relative to the project directory.
//! `*` matches within one path segment, `**` (a whole segment) any number of segments, `?` one
//! character, `[abc]`, `[a-z]` and `[!abc]` one character of a class.

use std::path::{Path, PathBuf};

/// One element of a segment pattern; each but `Star` matches exactly one character.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    Literal(char),
    AnyChar,
    Star,
    Class { negated: bool, ranges: Vec<(char, char)> },
}

/// Checks a glob's syntax; the error says what is wrong.
pub fn validate(pattern: &str) -> Result<(), String> {
    if pattern.is_empty() {
        return Err("the glob is empty".into());
    }
    if pattern.starts_with('/') || pattern.contains('\\') || pattern.get(1..2) == Some(":") {
        return Err("globs are relative to the project directory and use `/`".into());
    }
    for segment in pattern.split('/') {
        if segment == ".." {
            return Err("globs cannot leave the project directory (`..`)".into());
        }
        if segment.is_empty() {
            return Err("the glob has an empty path segment (`//` or a trailing `/`)".into());
        }
        if segment != "**" && segment.contains("**") {
            return Err("`**` must be a whole path segment, as in `contracts/**/*.yaml`".into());
        }
        tokenize(segment)?;
    }
    Ok(())
}

fn tokenize(segment: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut chars = segment.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' => {
                if tokens.last() != Some(&Token::Star) {
                    tokens.push(Token::Star);
                }
            }
            '?' => tokens.push(Token::AnyChar),
            '[' => {
                let negated = chars.next_if(|&c| c == '!' || c == '^').is_some();
                let mut ranges = Vec::new();
                let mut closed = false;
                while let Some(c) = chars.next() {
                    if c == ']' && !ranges.is_empty() {
                        closed = true;
                        break;
                    }
                    if chars.peek() == Some(&'-') {
                        chars.next();
                        match chars.next() {
                            Some(']') => {
                                ranges.push((c, c));
                                ranges.push(('-', '-'));
                                closed = true;
                                break;
                            }
                            Some(end) if end >= c => ranges.push((c, end)),
                            Some(end) => return Err(format!("`[{c}-{end}]` is an empty range")),
                            None => break,
                        }
                    } else {
                        ranges.push((c, c));
                    }
                }
                if !closed {
                    return Err("a `[` class is not closed with `]`".into());
                }
                tokens.push(Token::Class { negated, ranges });
            }
            c => tokens.push(Token::Literal(c)),
        }
    }
    Ok(tokens)
}

/// Whether `path` (relative, `/`-separated) matches `pattern`. An invalid glob matches nothing.
pub fn matches(pattern: &str, path: &str) -> bool {
    if validate(pattern).is_err() {
        return false;
    }
    let pattern: Vec<&str> = pattern.split('/').collect();
    let path: Vec<&str> = path.split('/').filter(|s| !s.is_empty() && *s != ".").collect();
    // reach[j]: the first i pattern segments can match the first j path segments.
    let mut reach = vec![false; path.len() + 1];
    if let Some(first) = reach.first_mut() {
        *first = true;
    }
    for segment in &pattern {
        let mut next = vec![false; path.len() + 1];
        if *segment == "**" {
            let mut any = false;
            for (j, slot) in next.iter_mut().enumerate() {
                any |= reach.get(j).copied().unwrap_or(false);
                *slot = any;
            }
        } else {
            let Ok(tokens) = tokenize(segment) else { return false };
            for (j, name) in path.iter().enumerate() {
                if reach.get(j).copied().unwrap_or(false)
                    && segment_matches(&tokens, name)
                    && let Some(slot) = next.get_mut(j + 1)
                {
                    *slot = true;
                }
            }
        }
        reach = next;
    }
    reach.last().copied().unwrap_or(false)
}

/// Wildcard matching with one backtracking point for the last `*`: linear in practice.
fn segment_matches(tokens: &[Token], name: &str) -> bool {
    // A leading `*` or `?` does not match a hidden file, as in shells.
    if name.starts_with('.') && !matches!(tokens.first(), Some(Token::Literal('.'))) {
        return false;
    }
    let chars: Vec<char> = name.chars().collect();
    let (mut t, mut c) = (0usize, 0usize);
    let mut backtrack: Option<(usize, usize)> = None;
    while c < chars.len() {
        let ch = chars.get(c).copied();
        match (tokens.get(t), ch) {
            (Some(Token::Star), _) => {
                backtrack = Some((t, c));
                t += 1;
                continue;
            }
            (Some(token), Some(ch)) if one(token, ch) => {
                t += 1;
                c += 1;
                continue;
            }
            _ => {}
        }
        match backtrack {
            Some((star, at)) => {
                t = star + 1;
                c = at + 1;
                backtrack = Some((star, at + 1));
            }
            None => return false,
        }
    }
    tokens.get(t..).is_some_and(|rest| rest.iter().all(|t| *t == Token::Star))
}

fn one(token: &Token, ch: char) -> bool {
    match token {
        Token::Literal(l) => *l == ch,
        Token::AnyChar => true,
        Token::Star => false,
        Token::Class { negated, ranges } => ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&ch)) != *negated,
    }
}

/// The files under `dir` matching any of `patterns`, sorted; hidden entries and `target/` are
/// skipped, symbolic links to directories are not followed.
pub fn expand(dir: &Path, patterns: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if patterns.is_empty() {
        return out;
    }
    let mut stack = vec![(dir.to_path_buf(), String::new())];
    while let Some((path, relative)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&path) else { continue };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || name == "target" {
                continue;
            }
            let child = if relative.is_empty() { name.clone() } else { format!("{relative}/{name}") };
            let Ok(kind) = entry.file_type() else { continue };
            if kind.is_dir() {
                stack.push((entry.path(), child));
            } else if patterns.iter().any(|p| matches(p, &child)) {
                out.push(entry.path());
            }
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_and_double_stars() {
        assert!(matches("contracts/**/*.yaml", "contracts/a.yaml"));
        assert!(matches("contracts/**/*.yaml", "contracts/eu/2026/a.yaml"));
        assert!(!matches("contracts/**/*.yaml", "other/a.yaml"));
        assert!(!matches("contracts/*.yaml", "contracts/eu/a.yaml"));
        assert!(matches("**", "a/b/c"));
        assert!(matches("*.y?ml", "x.yaml"));
        assert!(!matches("*.y?ml", "x.yml"));
        assert!(matches("samples/[a-c]*.json", "samples/b1.json"));
        assert!(!matches("samples/[!a-c]*.json", "samples/b1.json"));
        assert!(!matches("*.yaml", ".hidden.yaml"));
        assert!(matches("a*b*c", "aXXbYYbZc"));
    }

    #[test]
    fn invalid_globs() {
        assert!(validate("../x").is_err());
        assert!(validate("/abs/*.yaml").is_err());
        assert!(validate("a**/x").is_err());
        assert!(validate("a/[bc").is_err());
        assert!(validate("").is_err());
        assert!(validate("a//b").is_err());
        assert!(validate("contracts/**/*.yaml").is_ok());
    }

    #[test]
    fn expands_sorted_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("samples/eu")).unwrap();
        std::fs::write(dir.path().join("samples/b.yaml"), "").unwrap();
        std::fs::write(dir.path().join("samples/eu/a.yaml"), "").unwrap();
        std::fs::write(dir.path().join("samples/c.json"), "").unwrap();
        let found = expand(dir.path(), &["samples/**/*.yaml"]);
        let names: Vec<_> = found.iter().map(|p| p.strip_prefix(dir.path()).unwrap().to_path_buf()).collect();
        assert_eq!(names, vec![PathBuf::from("samples/b.yaml"), PathBuf::from("samples/eu/a.yaml")]);
    }
}
