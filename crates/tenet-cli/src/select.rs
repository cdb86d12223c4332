//! `--area`, `--only` and `--exclude`: which obligations a run evaluates.

use tenet_db::ir::{Area, CompiledObligation};

/// Options that narrow the obligations evaluated.
#[derive(clap::Args, Debug, Default, Clone)]
pub struct Selection {
    /// Evaluate only obligations of this area (repeatable): privacy, bias, transparency,
    /// workers, accountability.
    #[arg(long = "area", value_name = "AREA", value_parser = parse_area)]
    pub areas: Vec<Area>,
    /// Evaluate only obligations whose qualified name matches (repeatable; `*` matches any
    /// text, e.g. `std.privacy.*`; a pattern without a dot matches the short name).
    #[arg(long = "only", value_name = "PATTERN")]
    pub only: Vec<String>,
    /// Skip obligations whose name matches (repeatable; same patterns as `--only`).
    #[arg(long = "exclude", value_name = "PATTERN")]
    pub exclude: Vec<String>,
}

fn parse_area(s: &str) -> Result<Area, String> {
    if let Some(area) = Area::parse(s) {
        return Ok(area);
    }
    let names = Area::names();
    let hint = tenet_syntax::did_you_mean(s, names.iter().copied())
        .map(|a| format!("did you mean `{a}`? "))
        .unwrap_or_default();
    Err(format!("`{s}` is not an area; {hint}the areas are {}", names.join(", ")))
}

impl Selection {
    /// Whether the options keep this obligation.
    pub fn keeps(&self, ob: &CompiledObligation) -> bool {
        (self.areas.is_empty() || self.areas.contains(&ob.area))
            && (self.only.is_empty() || self.only.iter().any(|p| name_matches(p, &ob.name)))
            && !self.exclude.iter().any(|p| name_matches(p, &ob.name))
    }

    /// Patterns given that match no obligation of the program, to warn about typos.
    pub fn unmatched<'a>(&'a self, names: &[&str]) -> Vec<&'a str> {
        self.only
            .iter()
            .chain(&self.exclude)
            .filter(|p| !names.iter().any(|n| name_matches(p, n)))
            .map(String::as_str)
            .collect()
    }
}

/// Matches a qualified name against a pattern where `*` stands for any text. A pattern
/// without a dot is matched against the name's last segment.
pub fn name_matches(pattern: &str, name: &str) -> bool {
    let subject = if pattern.contains('.') { name } else { name.rsplit('.').next().unwrap_or(name) };
    glob(pattern.as_bytes(), subject.as_bytes())
}

/// `*`-only glob matching, iterative (no recursion, linear backtracking on the last star).
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match (pattern.get(p), text.get(t)) {
            (Some(b'*'), _) => {
                star = Some((p, t));
                p += 1;
            }
            (Some(a), Some(b)) if a == b => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern.get(p..).is_some_and(|rest| rest.iter().all(|&c| c == b'*'))
}

#[cfg(test)]
mod tests {
    use super::name_matches;

    #[test]
    fn patterns() {
        assert!(name_matches("std.privacy.*", "std.privacy.audit_rights"));
        assert!(!name_matches("std.privacy.*", "std.bias.four_fifths_rule"));
        assert!(name_matches("audit_rights", "std.privacy.audit_rights"));
        assert!(name_matches("*_rights", "std.privacy.audit_rights"));
        assert!(name_matches("std.*.ai_literacy", "std.workers.ai_literacy"));
        assert!(name_matches("*", "x.y"));
        assert!(!name_matches("audit", "std.privacy.audit_rights"));
        assert!(name_matches("a*b*c", "axxbyyc"));
        assert!(!name_matches("a*b*c", "axxbyy"));
    }
}
