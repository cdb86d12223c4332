//! Runtime values. Values read from a document carry their origin (path and position) so
//! explanations can point into the checked file.

use jiff::civil::Date;
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;
use tenet_text::DocSpan;

/// Where a document value came from. Line and column are worked out from the span only for
/// the values an explanation shows, and scalars carry no path, so validation allocates
/// nothing for a value's origin.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    /// The document path of a record, list or map, such as `dpa.subprocessors[1]` (fields
    /// read from it extend it); `None` for scalars, whose paths the evaluator builds from the
    /// record they were read from.
    pub path: Option<Arc<str>>,
    /// Where the value is written in the document's source (a [`DocSpan`], kept in half the
    /// space: a source larger than 4 GiB shows its far values at its 4 GiB mark); `None` for
    /// computed values.
    pub span: Option<(u32, u32)>,
}

impl Origin {
    /// A document span in the compact form `span` keeps.
    pub fn compact(span: DocSpan) -> (u32, u32) {
        (u32::try_from(span.start).unwrap_or(u32::MAX), u32::try_from(span.end).unwrap_or(u32::MAX))
    }

    /// Where the value is written in the document's source, if it is written there.
    pub fn doc_span(&self) -> Option<DocSpan> {
        self.span.map(|(start, end)| DocSpan::new(start as usize, end as usize))
    }
}

/// A length of time, kept in the unit it was written in. Hours and calendar days compare
/// (a day is 24 hours); business days only have a length relative to a date, so they compare
/// only with business days.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Duration {
    Hours(i64),
    /// Calendar days.
    Days(i64),
    /// Monday-to-Friday days.
    BusinessDays(i64),
}

impl Duration {
    /// The length in hours, for calendar durations.
    pub fn calendar_hours(self) -> Option<i64> {
        match self {
            Duration::Hours(h) => Some(h),
            Duration::Days(d) => d.checked_mul(24),
            Duration::BusinessDays(_) => None,
        }
    }

    /// The same kind of duration with another count.
    fn with_count(self, n: i64) -> Duration {
        match self {
            Duration::Hours(_) => Duration::Hours(n),
            Duration::Days(_) => Duration::Days(n),
            Duration::BusinessDays(_) => Duration::BusinessDays(n),
        }
    }

    /// The count in the duration's own unit.
    pub fn count(self) -> i64 {
        match self {
            Duration::Hours(n) | Duration::Days(n) | Duration::BusinessDays(n) => n,
        }
    }

    /// The duration multiplied, `None` on overflow.
    pub fn times(self, factor: i64) -> Option<Duration> {
        self.count().checked_mul(factor).map(|n| self.with_count(n))
    }

    /// The sum (or difference, with `sign` -1) of two durations: days stay days, hours and
    /// days give hours, business days add only to business days.
    pub fn plus(self, other: Duration, sign: i64) -> Option<Duration> {
        match (self, other) {
            (Duration::Days(a), Duration::Days(b)) => Some(Duration::Days(a.checked_add(sign.checked_mul(b)?)?)),
            (Duration::BusinessDays(a), Duration::BusinessDays(b)) => {
                Some(Duration::BusinessDays(a.checked_add(sign.checked_mul(b)?)?))
            }
            (a, b) => Some(Duration::Hours(a.calendar_hours()?.checked_add(sign.checked_mul(b.calendar_hours()?)?)?)),
        }
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Duration::Hours(h) => write!(f, "{h}h"),
            Duration::Days(d) => write!(f, "{d}d"),
            Duration::BusinessDays(d) => write!(f, "{d}bd"),
        }
    }
}

/// A calendar date, or the stretch of days a document means when it gives less than a day
/// ("2024-04", "2023", "2024-Q2") or a range ("2023-01-01/2023-06-30"). Comparisons are
/// three-valued: decided when every possible day of the stretch decides the same way,
/// unknown when the stretch straddles the answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DateSpan {
    first: Date,
    last: Date,
}

impl DateSpan {
    /// One day.
    pub fn day(date: Date) -> DateSpan {
        DateSpan { first: date, last: date }
    }

    /// The days from `first` to `last`, both included; `None` when `last` is before `first`.
    pub fn range(first: Date, last: Date) -> Option<DateSpan> {
        (first <= last).then_some(DateSpan { first, last })
    }

    /// The earliest possible day.
    pub fn first(self) -> Date {
        self.first
    }

    /// The latest possible day.
    pub fn last(self) -> Date {
        self.last
    }

    /// The day, when the span is exactly one day.
    pub fn exact(self) -> Option<Date> {
        (self.first == self.last).then_some(self.first)
    }

    /// `self < other` (`or_equal`: `<=`) for every possible pair of days: `Some(true)` when
    /// it holds for all, `Some(false)` when for none, `None` when it depends on the day.
    pub fn before(self, other: DateSpan, or_equal: bool) -> Option<bool> {
        let holds = |a: Date, b: Date| if or_equal { a <= b } else { a < b };
        if holds(self.last, other.first) {
            Some(true)
        } else if !holds(self.first, other.last) {
            Some(false)
        } else {
            None
        }
    }

    /// Whether the two spans are the same day: known only when both are single days or
    /// they do not overlap.
    pub fn same_day(self, other: DateSpan) -> Option<bool> {
        if self.last < other.first || other.last < self.first {
            Some(false)
        } else if self.exact().is_some() && self == other {
            Some(true)
        } else {
            None
        }
    }

    /// Whether every possible day of `self` lies in the window of `window` before every
    /// possible day of `anchor` (both ends included): `Some(false)` when none does, `None`
    /// when it depends on the days. `None` also when the window leaves the calendar.
    pub fn within(self, window: Duration, anchor: DateSpan) -> Option<bool> {
        let earliest_start = shift_date(anchor.first, window, -1)?;
        let latest_start = shift_date(anchor.last, window, -1)?;
        if latest_start <= self.first && self.last <= anchor.first {
            Some(true)
        } else if self.last < earliest_start || self.first > anchor.last {
            Some(false)
        } else {
            None
        }
    }

    /// The span moved by a duration (forward when `sign` is 1, back when -1).
    pub fn shifted(self, duration: Duration, sign: i64) -> Option<DateSpan> {
        Some(DateSpan { first: shift_date(self.first, duration, sign)?, last: shift_date(self.last, duration, sign)? })
    }

    /// Reads a date as documents write it: `2024-04-15`, a month (`2024-04`, `04/2024`), a
    /// quarter (`2024-Q2`), a year (`2024`), or a range of any two of these joined by `/`
    /// (`2023-11/2024-02`). `None` for anything else, or a range that ends before it starts.
    pub fn parse(text: &str) -> Option<DateSpan> {
        let text = text.trim();
        if let Some(span) = Self::parse_one(text) {
            return Some(span);
        }
        let (from, to) = text.split_once('/')?;
        let (from, to) = (Self::parse_one(from.trim())?, Self::parse_one(to.trim())?);
        DateSpan::range(from.first, to.last)
    }

    /// One date of any precision (no ranges).
    fn parse_one(text: &str) -> Option<DateSpan> {
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        let year = |s: &str| digits(s, 4).then(|| s.parse::<i16>().ok()).flatten();
        let month = |s: &str| digits(s, 2).then(|| s.parse::<i8>().ok()).flatten().filter(|m| (1..=12).contains(m));
        let months = |y: i16, first: i8, last: i8| {
            let start = Date::new(y, first, 1).ok()?;
            let end = Date::new(y, last, 1).ok()?.last_of_month();
            DateSpan::range(start, end)
        };
        if text.len() == 10 {
            return tenet_syntax::parse_date(text).and_then(civil_date).map(DateSpan::day);
        }
        if let Some(y) = year(text) {
            return months(y, 1, 12);
        }
        if let Some((a, b)) = text.split_once('-') {
            let y = year(a)?;
            if let Some(q) = b.strip_prefix('Q').filter(|q| digits(q, 1)) {
                let q: i8 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
                return months(y, q * 3 - 2, q * 3);
            }
            let m = month(b)?;
            return months(y, m, m);
        }
        let (m, y) = text.split_once('/')?;
        let (m, y) = (month(m)?, year(y)?);
        months(y, m, m)
    }

    /// A month, quarter or year when the span is exactly one; otherwise `None`.
    fn period(self) -> Option<String> {
        let (f, l) = (self.first, self.last);
        if f.day() != 1 || l != l.last_of_month() || f.year() != l.year() {
            return None;
        }
        match (f.month(), l.month()) {
            (1, 12) => Some(format!("{:04}", f.year())),
            (a, b) if a == b => Some(format!("{:04}-{a:02}", f.year())),
            (a, b) if b == a + 2 && a % 3 == 1 => Some(format!("{:04}-Q{}", f.year(), (a + 2) / 3)),
            _ => None,
        }
    }
}

impl fmt::Display for DateSpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.exact(), self.period()) {
            (Some(day), _) => write!(f, "{day}"),
            (None, Some(period)) => f.write_str(&period),
            (None, None) => write!(f, "{}/{}", self.first, self.last),
        }
    }
}

/// A value during evaluation.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// Absent data: the document does not say.
    Unknown,
    Bool(bool),
    Int(i64),
    Decimal(Decimal),
    String(Arc<str>),
    /// A calendar date, or a stretch of days for a date given to the month or year.
    Date(DateSpan),
    Duration(Duration),
    /// A share, as a fraction (2% is 0.02).
    Percent(Decimal),
    /// An enum variant, by its bare name.
    Enum(Arc<str>),
    /// A list or set of values (sets are deduplicated when built).
    List(Arc<[Node]>),
    /// A record, fields by schema slot.
    Record(Arc<[Node]>),
    /// A map from names to values.
    Map(Arc<[(Arc<str>, Node)]>),
}

/// A value with its origin in the document, if it was read from one.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    /// Where it was read, for document values.
    pub origin: Origin,
}

impl Node {
    /// A computed value with no origin.
    pub fn computed(value: Value) -> Node {
        Node { value, origin: Origin::default() }
    }

    /// An absent value.
    pub fn unknown() -> Node {
        Node::computed(Value::Unknown)
    }
}

impl Value {
    /// A number as a decimal, for mixed arithmetic.
    pub fn as_decimal(&self) -> Option<Decimal> {
        match self {
            Value::Int(n) => Some(Decimal::from(*n)),
            Value::Decimal(d) => Some(*d),
            _ => None,
        }
    }

    /// Compares two values of compatible types; `None` when they do not compare.
    pub fn compare(&self, other: &Value) -> Option<Ordering> {
        match (self, other) {
            (Value::Int(a), Value::Int(b)) => Some(a.cmp(b)),
            (a, b) if a.as_decimal().is_some() && b.as_decimal().is_some() => {
                Some(a.as_decimal()?.cmp(&b.as_decimal()?))
            }
            (Value::String(a), Value::String(b)) | (Value::Enum(a), Value::Enum(b)) => Some(a.cmp(b)),
            (Value::Date(a), Value::Date(b)) => match (a.before(*b, false), b.before(*a, false)) {
                (Some(true), _) => Some(Ordering::Less),
                (_, Some(true)) => Some(Ordering::Greater),
                _ => (a.same_day(*b) == Some(true)).then_some(Ordering::Equal),
            },
            (Value::Percent(a), Value::Percent(b)) => Some(a.cmp(b)),
            (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
            (Value::Duration(Duration::BusinessDays(a)), Value::Duration(Duration::BusinessDays(b))) => Some(a.cmp(b)),
            (Value::Duration(a), Value::Duration(b)) => Some(a.calendar_hours()?.cmp(&b.calendar_hours()?)),
            _ => None,
        }
    }

    /// Structural equality with numeric promotion; `None` when either side is unknown
    /// (element by element for collections).
    pub fn equals(&self, other: &Value) -> Option<bool> {
        match (self, other) {
            (Value::Unknown, _) | (_, Value::Unknown) => None,
            (Value::List(a), Value::List(b)) => {
                if a.len() != b.len() {
                    return Some(false);
                }
                let mut all = Some(true);
                for (x, y) in a.iter().zip(b.iter()) {
                    match x.value.equals(&y.value) {
                        Some(false) => return Some(false),
                        None => all = None,
                        Some(true) => {}
                    }
                }
                all
            }
            (Value::Record(a), Value::Record(b)) => Some(a == b),
            (Value::Map(a), Value::Map(b)) => Some(a == b),
            (Value::Date(a), Value::Date(b)) => a.same_day(*b),
            (a, b) => Some(a.compare(b) == Some(Ordering::Equal)),
        }
    }

    /// A short rendering for messages and explanations.
    pub fn display(&self) -> String {
        match self {
            Value::Unknown => "absent".to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Int(n) => n.to_string(),
            Value::Decimal(d) => d.normalize().to_string(),
            Value::String(s) => format!("{s:?}"),
            Value::Date(d) => d.to_string(),
            Value::Duration(d) => d.to_string(),
            Value::Percent(p) => format!("{}%", (p * Decimal::ONE_HUNDRED).normalize()),
            Value::Enum(v) => v.to_string(),
            Value::List(items) => {
                let shown: Vec<String> = items.iter().take(8).map(|n| n.value.display()).collect();
                let more = if items.len() > 8 { format!(", … {} more", items.len() - 8) } else { String::new() };
                format!("[{}{more}]", shown.join(", "))
            }
            Value::Record(_) => "{…}".to_string(),
            Value::Map(entries) => format!("{{{} entries}}", entries.len()),
        }
    }

    /// The plain text of a value for message interpolation (strings without quotes).
    pub fn text(&self) -> String {
        let mut out = String::new();
        self.write_text(&mut out);
        out
    }

    /// Appends [`Value::text`] to `out`, without a string of its own for text and enums.
    /// Messages never write an absent value: one that would is not used (see `message`).
    pub fn write_text(&self, out: &mut String) {
        match self {
            Value::String(s) | Value::Enum(s) => out.push_str(s),
            other => out.push_str(&other.display()),
        }
    }

    /// The value as JSON, for machine-readable output.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Unknown => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(n) => J::from(*n),
            // A JSON number when a double reads it back exactly; otherwise the exact digits as a
            // string, so `0.79999999999999999` is never shown as `0.8`.
            Value::Decimal(d) => {
                let text = d.normalize().to_string();
                match text.parse::<f64>() {
                    Ok(f) if f.is_finite() && rust_decimal::Decimal::try_from(f).ok() == Some(d.normalize()) => {
                        serde_json::from_str(&text).unwrap_or(J::String(text))
                    }
                    _ => J::String(text),
                }
            }
            Value::String(s) | Value::Enum(s) => J::String(s.to_string()),
            Value::Date(_) | Value::Duration(_) | Value::Percent(_) => J::String(self.display()),
            Value::List(items) => J::Array(items.iter().map(|n| n.value.to_json()).collect()),
            Value::Record(_) => J::String("{…}".into()),
            Value::Map(entries) => J::Object(entries.iter().map(|(k, v)| (k.to_string(), v.value.to_json())).collect()),
        }
    }
}

/// `l op r` for the order comparisons, in three-valued logic: `None` when the values do not
/// compare, or when a partial date makes the answer depend on the day.
pub fn order(op_less: bool, or_equal: bool, l: &Value, r: &Value) -> Option<bool> {
    if let (Value::Date(a), Value::Date(b)) = (l, r) {
        return if op_less { a.before(*b, or_equal) } else { b.before(*a, or_equal) };
    }
    let o = l.compare(r)?;
    Some(match (op_less, or_equal) {
        (true, false) => o == Ordering::Less,
        (true, true) => o != Ordering::Greater,
        (false, false) => o == Ordering::Greater,
        (false, true) => o != Ordering::Less,
    })
}

/// Converts a syntax date into a calendar date.
pub fn civil_date(d: tenet_syntax::ast::DateLit) -> Option<Date> {
    Date::new(d.year, d.month, d.day).ok()
}

/// `date` moved by a duration (forward when `sign` is 1, back when -1). Business days skip
/// Saturdays and Sundays. `None` when the result leaves the calendar.
pub fn shift_date(date: Date, duration: Duration, sign: i64) -> Option<Date> {
    match duration {
        Duration::Hours(h) => {
            date.checked_add(jiff::Span::new().try_days(sign.checked_mul(h.div_euclid(24))?).ok()?).ok()
        }
        Duration::Days(d) => date.checked_add(jiff::Span::new().try_days(sign.checked_mul(d)?).ok()?).ok(),
        Duration::BusinessDays(n) => shift_business_days(date, n.checked_mul(sign)?),
    }
}

/// The written forms [`parse_duration`] reads, as a regular expression in the syntax JSON
/// Schema's `pattern` uses (ECMA-262, which Rust's `regex` also reads): a whole number and a
/// unit. What it cannot say is the limit on the amount (see [`parse_duration`]); a test in
/// `json_schema` holds the two together.
pub const DURATION_PATTERN: &str = r"^\s*(\+?[0-9]+|-0+)\s*(h|d|bd)\s*$";

/// The written forms [`DateSpan::parse`] reads, as a regular expression (see
/// [`DURATION_PATTERN`]): a day, a month (`2024-04`, `04/2024`), a quarter, a year, or a range
/// of two joined by `/` (the first written without `/`). What it cannot say is whether the
/// day exists in its month (`2024-02-30`) and whether a range ends after it starts.
pub const DATE_PATTERN: &str = concat!(
    r"^\s*(",
    r"[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?|-Q[1-4])?",
    r"|(0[1-9]|1[0-2])/[0-9]{4}",
    r"|[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?|-Q[1-4])?\s*/\s*",
    r"([0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?|-Q[1-4])?|(0[1-9]|1[0-2])/[0-9]{4})",
    r")\s*$"
);

/// The years a bare number in a `date` field can be (a YAML `date: 2024`): four digits.
pub const BARE_YEARS: std::ops::RangeInclusive<i64> = 1000..=9999;

/// The most hours and days a duration can be, however it is written: a million days.
pub const MAX_DURATION_HOURS: i64 = 24_000_000;
/// See [`MAX_DURATION_HOURS`]; also the limit of business days.
pub const MAX_DURATION_DAYS: i64 = 1_000_000;

/// `date` moved by `n` business days (back when `n` is negative), computed in whole weeks
/// rather than day by day, so any window costs the same: each step lands on the next
/// Monday-to-Friday day in its direction, and from a weekday five steps are exactly a week.
fn shift_business_days(date: Date, n: i64) -> Option<Date> {
    let step: i64 = if n >= 0 { 1 } else { -1 };
    let mut left = n.checked_abs()?;
    let mut current = date;
    let one_step = |from: Date| -> Option<Date> {
        let mut day = from;
        loop {
            day = day.checked_add(jiff::Span::new().days(step)).ok()?;
            if !is_weekend(day) {
                return Some(day);
            }
        }
    };
    if left > 0 && is_weekend(current) {
        current = one_step(current)?;
        left -= 1;
    }
    let weeks = left / 5;
    if weeks > 0 {
        let days = weeks.checked_mul(7)?.checked_mul(step)?;
        current = current.checked_add(jiff::Span::new().try_days(days).ok()?).ok()?;
    }
    for _ in 0..left % 5 {
        current = one_step(current)?;
    }
    Some(current)
}

fn is_weekend(date: Date) -> bool {
    matches!(date.weekday(), jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday)
}

/// Parses durations as documents write them: `48h`, `30d`, `10bd`.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let (digits, unit) = if let Some(d) = text.strip_suffix("bd") {
        (d, "bd")
    } else if let Some(d) = text.strip_suffix('h') {
        (d, "h")
    } else {
        (text.strip_suffix('d')?, "d")
    };
    // At most a million days, however it is written: 24 million hours, a million (business) days.
    let limit = if unit == "h" { MAX_DURATION_HOURS } else { MAX_DURATION_DAYS };
    let n: i64 = digits.trim().parse().ok().filter(|n: &i64| (0..=limit).contains(n))?;
    Some(match unit {
        "h" => Duration::Hours(n),
        "d" => Duration::Days(n),
        _ => Duration::BusinessDays(n),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(text: &str) -> DateSpan {
        DateSpan::parse(text).unwrap_or_else(|| panic!("{text} should parse"))
    }

    #[test]
    fn partial_dates_parse_to_their_days() {
        assert_eq!(span("2024-04").to_string(), "2024-04");
        assert_eq!(span("04/2024"), span("2024-04"));
        assert_eq!(span("2024-04").last(), Date::new(2024, 4, 30).unwrap_or_default());
        assert_eq!(span("2024").first(), Date::new(2024, 1, 1).unwrap_or_default());
        assert_eq!(span("2024").to_string(), "2024");
        assert_eq!(span("2024-Q2").first(), Date::new(2024, 4, 1).unwrap_or_default());
        assert_eq!(span("2024-Q2").to_string(), "2024-Q2");
        assert_eq!(span("2024-02").last(), Date::new(2024, 2, 29).unwrap_or_default());
        assert_eq!(span("2023-11/2024-02").to_string(), "2023-11-01/2024-02-29");
        assert_eq!(span(" 2024-04-15 ").exact(), Date::new(2024, 4, 15).ok());
        for bad in ["2024-13", "24", "2024-Q5", "13/2024", "2024-4", "2024/2023", "2024-02-30", "April 2024", ""] {
            assert_eq!(DateSpan::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn partial_dates_compare_in_three_valued_logic() {
        let (april, mid_april, may) = (span("2024-04"), span("2024-04-15"), span("2024-05-01"));
        assert_eq!(april.before(may, false), Some(true));
        assert_eq!(may.before(april, true), Some(false));
        assert_eq!(april.before(mid_april, false), None);
        assert_eq!(april.before(span("2024-04-30"), true), Some(true));
        assert_eq!(april.same_day(mid_april), None);
        assert_eq!(april.same_day(may), Some(false));
        assert_eq!(mid_april.same_day(mid_april), Some(true));
        let today = span("2025-04-20");
        // April 2024 is more than a year before every day it could be... except the end of it.
        assert_eq!(april.within(Duration::Days(365), today), None);
        assert_eq!(april.within(Duration::Days(365), span("2025-05-01")), Some(false));
        assert_eq!(april.within(Duration::Days(365), span("2024-12-01")), Some(true));
        assert_eq!(span("2024").within(Duration::Days(365), span("2026-11-28")), Some(false));
        assert_eq!(order(true, false, &Value::Date(april), &Value::Date(may)), Some(true), "April is before May");
    }

    /// Business days counted one day at a time: what `shift_business_days` must agree with.
    fn business_days_one_by_one(date: Date, n: i64) -> Option<Date> {
        let step = if n >= 0 { 1 } else { -1 };
        let (mut left, mut current) = (n.abs(), date);
        while left > 0 {
            current = current.checked_add(jiff::Span::new().days(step)).ok()?;
            if !is_weekend(current) {
                left -= 1;
            }
        }
        Some(current)
    }

    #[test]
    fn business_days_in_weeks_agree_with_counting_day_by_day() {
        let start = jiff::civil::date(2026, 11, 2);
        for offset in 0..14 {
            let Ok(date) = start.checked_add(jiff::Span::new().days(offset)) else { continue };
            for n in -40..=40 {
                assert_eq!(shift_business_days(date, n), business_days_one_by_one(date, n), "{date} {n}");
            }
        }
    }

    #[test]
    fn a_window_of_a_million_business_days_is_computed_at_once() {
        let today = jiff::civil::date(2026, 11, 30);
        let back = shift_date(today, Duration::BusinessDays(1_000_000), -1);
        assert_eq!(back, business_days_one_by_one(today, -1_000_000));
        assert_eq!(shift_date(today, Duration::BusinessDays(i64::MAX), -1), None);
        assert_eq!(shift_date(today, Duration::BusinessDays(i64::MIN), 1), None);
    }

    #[test]
    fn business_days_skip_weekends() {
        let friday = Date::new(2026, 11, 27).ok();
        let monday = friday.and_then(|d| shift_date(d, Duration::BusinessDays(1), 1));
        assert_eq!(monday, Date::new(2026, 11, 30).ok());
        let back = monday.and_then(|d| shift_date(d, Duration::BusinessDays(1), -1));
        assert_eq!(back, friday);
    }

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(parse_duration("48h"), Some(Duration::Hours(48)));
        assert_eq!(parse_duration("2d"), Some(Duration::Days(2)));
        assert_eq!(
            Value::Duration(Duration::Days(2)).compare(&Value::Duration(Duration::Hours(48))),
            Some(Ordering::Equal)
        );
        assert_eq!(parse_duration("10bd"), Some(Duration::BusinessDays(10)));
        assert_eq!(parse_duration("ten days"), None);
    }

    #[test]
    fn numbers_mix_in_comparisons() {
        let half = Value::Decimal(Decimal::new(5, 1));
        assert_eq!(Value::Int(1).compare(&half), Some(Ordering::Greater));
        assert_eq!(Value::Duration(Duration::Hours(48)).compare(&Value::Duration(Duration::BusinessDays(2))), None);
    }

    #[test]
    fn decimals_in_json_keep_their_digits() {
        use std::str::FromStr;
        let exact = Value::Decimal(Decimal::from_str("0.76").unwrap_or_default());
        assert_eq!(exact.to_json(), serde_json::json!(0.76));
        let long = Value::Decimal(Decimal::from_str("0.79999999999999999").unwrap_or_default());
        assert_eq!(long.to_json(), serde_json::json!("0.79999999999999999"));
    }
}
