# The obligations of Tenet's standard library (policies/std/*.tenet), encoded in Rego.
#
# Written for the benchmark that compares Tenet with regorus, and checked against `tenet eval`
# on generated documents: for every document and obligation the outcome here is the one Tenet
# reports. See README.md in this folder.
#
# Input:  `input` is one document of the standard model, with `kind` "Contract" or "AiSystem".
#         `data.today` is the evaluation date, "YYYY-MM-DD" (Tenet's `--today`).
# Output: `outcomes` (at the end of the file): an object from the fully qualified name of each
#         obligation on the document's kind to "satisfied", "violated", "not_applicable" or
#         "undetermined", as `tenet eval --format json` reports them.
#
# Tenet's logic has three values. Here a truth value is one of the strings "true", "false"
# and "unknown", and a value the document does not give (a missing field, or null) is null.
# Every condition below is built from the helpers of the first section, which never let
# Rego's own "undefined" leak: an absent value gives "unknown", never a silently false test.

package tenet.std

# ======================================================================== three-valued logic

# Kleene's connectives, as tables.
_not := {"true": "false", "false": "true", "unknown": "unknown"}

_and := {
	"true": {"true": "true", "false": "false", "unknown": "unknown"},
	"false": {"true": "false", "false": "false", "unknown": "false"},
	"unknown": {"true": "unknown", "false": "false", "unknown": "unknown"},
}

t_not(a) := _not[a]

t_and(a, b) := _and[a][b]

t_or(a, b) := t_not(t_and(t_not(a), t_not(b)))

# A Rego boolean as a truth value.
t_of(b) := "true" if b
else := "false"

# `all` over the truth values of the elements: false wins, then unknown.
t_all(values) := "false" if "false" in values
else := "unknown" if "unknown" in values
else := "true"

# `any` over the truth values of the elements: true wins, then unknown.
t_any(values) := "true" if "true" in values
else := "unknown" if "unknown" in values
else := "false"

# `all x in xs where filter: body`, given one [filter, body] pair of truth values per element:
# each element must satisfy `not filter or body`. An absent list (null) is unknown.
t_all_where(pairs) := "unknown" if pairs == null
else := t_all([t_or(t_not(pair[0]), pair[1]) | some pair in pairs])

# How an obligation's applicability (`when`) and requirement decide its outcome.
outcome(applies, holds) := "not_applicable" if applies == "false"
else := "satisfied" if holds == "true"
else := "violated" if {
	applies == "true"
	holds == "false"
}
else := "undetermined"

# ======================================================================== reading documents

# The value at `path` under `x`, or null when the document does not give it.
at(x, path) := object.get(x, path, null) if is_object(x)
else := null

# A field of the checked document.
doc(path) := at(input, path)

# `x is present`: the only test that is never unknown.
present(x) := t_of(x != null)

# A bool field used as a condition.
t_bool(x) := "unknown" if not is_boolean(x)
else := t_of(x)

# `x == v` for a scalar (enum variants are strings).
t_eq(x, v) := "unknown" if x == null
else := t_of(x == v)

# `x != v`.
t_ne(x, v) := t_not(t_eq(x, v))

# `x in set`, for a constant set.
t_in(x, set) := "unknown" if x == null
else := t_of(x in set)

# `xs contains v`: unknown when the list is absent, or when it does not hold `v` but has
# an absent (null) element that might be it.
t_contains(xs, v) := "unknown" if not is_array(xs)
else := "true" if v in xs
else := "unknown" if null in xs
else := "false"

# `xs contains any of vs`.
t_contains_any(xs, vs) := t_any([t_contains(xs, v) | some v in vs])

# `xs is not empty`, for a list.
t_not_empty(xs) := "unknown" if not is_array(xs)
else := t_of(count(xs) > 0)

# `a < b`, `a <= b`, `a >= b`, `a > b` for numbers (and day numbers, hours, shares); null is unknown.
t_lt(a, b) := "unknown" if null in [a, b]
else := t_of(a < b)

t_le(a, b) := "unknown" if null in [a, b]
else := t_of(a <= b)

t_ge(a, b) := "unknown" if null in [a, b]
else := t_of(a >= b)

t_gt(a, b) := "unknown" if null in [a, b]
else := t_of(a > b)

# A whole number written in decimal digits, leading zeros allowed ("08" is 8).
whole(digits) := 0 if trim_left(digits, "0") == ""
else := to_number(trim_left(digits, "0"))

# ---------------------------------------------------------------- durations, in hours

# Documents write durations as "48h", "30d" or "10bd"; a field declared `duration(hours)` or
# `duration(days)` also takes a bare number in that unit. Hours and calendar days compare
# (a day is 24 hours); business days compare with neither, so they are unknown here.
_hours_per := {"hours": 1, "days": 24}

hours(x, bare_unit) := null if {
	is_string(x)
	endswith(trim_space(x), "bd")
}
else := h if {
	is_string(x)
	text := trim_space(x)
	endswith(text, "h")
	h := whole(trim_space(trim_suffix(text, "h")))
}
else := h if {
	is_string(x)
	text := trim_space(x)
	endswith(text, "d")
	h := 24 * whole(trim_space(trim_suffix(text, "d")))
}
else := h if {
	is_number(x)
	h := x * _hours_per[bare_unit]
}
else := null

# ---------------------------------------------------------------- dates, as spans of day numbers

# A calendar day as the number of days since 1970-01-01 (proleptic Gregorian calendar), so
# that dates compare and subtract as numbers.
day_of(y0, m, day) := n if {
	# Years are counted from March, so that a leap day ends its year.
	y := march_year(y0, m)
	era := floor(y / 400)
	year_of_era := y - era * 400
	day_of_year := floor((153 * ((m + 9) % 12) + 2) / 5) + day - 1
	day_of_era := year_of_era * 365 + floor(year_of_era / 4) - floor(year_of_era / 100) + day_of_year
	n := era * 146097 + day_of_era - 719468
}

march_year(y, m) := y - 1 if m <= 2
else := y

leap(y) if {
	y % 4 == 0
	y % 100 != 0
}

leap(y) if y % 400 == 0

days_in_month(y, 2) := 29 if leap(y)
else := 28

days_in_month(y, m) := 30 if m in {4, 6, 9, 11}

days_in_month(y, m) := 31 if m in {1, 3, 5, 7, 8, 10, 12}

# `s` is exactly `n` decimal digits.
digits(s, n) if {
	count(s) == n
	trim(s, "0123456789") == ""
}

# The days from the first of month `first` to the last of month `last` of year `y`.
months_span(y, first, last) := [day_of(y, first, 1), day_of(y, last, days_in_month(y, last))]

# A document's date is a day (`2024-04-15`) or, when less is known, a month (`2024-04`,
# `04/2024`), a quarter (`2024-Q2`), a year (`2024`, also the bare number), or a range of two
# of these joined by `/`: it stands for every day it could be. Here it is the span
# [first, last] of day numbers; a single day is [n, n]. Null when absent (or not a date).
# (These are the forms Tenet reads, `DateSpan::parse` in tenet-eval.)
span(d) := s if {
	is_string(d)
	s := one_span(trim_space(d))
	s != null
}
else := [from[0], to[1]] if {
	# Split at the first `/`, as the second part may itself be `MM/YYYY`.
	is_string(d)
	parts := split(trim_space(d), "/")
	count(parts) > 1
	from := one_span(trim_space(parts[0]))
	to := one_span(trim_space(concat("/", array.slice(parts, 1, count(parts)))))
	from != null
	to != null
	from[0] <= to[1]
}
else := s if {
	is_number(d)
	d == floor(d)
	s := one_span(format_int(d, 10))
	s != null
}
else := null

# One date of any precision, no range; null if it is none.
one_span(text) := [n, n] if {
	count(text) == 10
	parts := split(text, "-")
	count(parts) == 3
	digits(parts[0], count(parts[0]))
	digits(parts[1], count(parts[1]))
	digits(parts[2], count(parts[2]))
	y := whole(parts[0])
	m := whole(parts[1])
	day := whole(parts[2])
	m >= 1
	m <= 12
	day >= 1
	day <= days_in_month(y, m)
	n := day_of(y, m, day)
}
else := months_span(whole(text), 1, 12) if digits(text, 4)
else := months_span(whole(parts[0]), q * 3 - 2, q * 3) if {
	parts := split(text, "-")
	count(parts) == 2
	digits(parts[0], 4)
	startswith(parts[1], "Q")
	digits(substring(parts[1], 1, -1), 1)
	q := whole(substring(parts[1], 1, -1))
	q >= 1
	q <= 4
}
else := months_span(whole(parts[0]), m, m) if {
	parts := split(text, "-")
	count(parts) == 2
	digits(parts[0], 4)
	digits(parts[1], 2)
	m := whole(parts[1])
	m >= 1
	m <= 12
}
else := months_span(whole(parts[1]), m, m) if {
	parts := split(text, "/")
	count(parts) == 2
	digits(parts[0], 2)
	digits(parts[1], 4)
	m := whole(parts[0])
	m >= 1
	m <= 12
}
else := null

today := span(data.today)[0]

# `d within <days>d before today`: every possible day of `d` is in [today - days, today]
# (true), none is (false), or some are (unknown).
t_within_days_before_today(d, days) := "unknown" if span(d) == null
else := "true" if {
	s := span(d)
	today - days <= s[0]
	s[1] <= today
}
else := "false" if {
	s := span(d)
	s[1] < today - days
}
else := "false" if span(d)[0] > today
else := "unknown"

# `a < b` for dates: true when every possible day of `a` is before every possible day of
# `b`, false when none is, unknown otherwise.
t_date_before(a, b) := "unknown" if null in [span(a), span(b)]
else := "true" if span(a)[1] < span(b)[0]
else := "false" if span(a)[0] >= span(b)[1]
else := "unknown"

# ---------------------------------------------------------------- percentages, as fractions

# A share is a fraction between 0 and 1 (0.48) or a string with a percent sign ("48%").
share(x) := x if is_number(x)
else := to_number(trim_space(trim_suffix(trim_space(x), "%"))) / 100 if is_string(x)
else := null

# ======================================================================== std.model constants

EEA := {
	"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
	"LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO",
}

ADEQUACY := {"AD", "AR", "CA", "CH", "FO", "GB", "GG", "IL", "IM", "JE", "JP", "KR", "NZ", "UY", "US"}

ANNEX_III_PURPOSES := {
	"candidate_screening", "job_ad_targeting", "performance_monitoring", "task_allocation",
	"promotion_or_termination", "credit_scoring", "education_assessment",
}

SPECIAL_CATEGORIES := {
	"health", "biometric", "racial_ethnic", "political", "religious", "sexual_orientation",
	"trade_union", "genetic",
}

# std.privacy.PROMPT_NOTICE
PROMPT_NOTICE := {"immediately", "without_undue_delay", "promptly", "as_soon_as_possible"}

# ======================================================================== parameters (defaults)

# std.privacy.max_breach_notice = 48h
max_breach_notice_hours := 48

# std.privacy.accept_breach_notice_in_words = false
accept_breach_notice_in_words := "false"

# std.privacy.accept_report_only_audits = false
accept_report_only_audits := "false"

# std.privacy.accept_deletion_deadline_in_words = false
accept_deletion_deadline_in_words := "false"

# std.privacy.accept_transit_encryption_on_public_networks = true
accept_transit_encryption_on_public_networks := "true"

# std.privacy.allowed_retention_exceptions = {legal_obligation, backups}
allowed_retention_exceptions := {"legal_obligation", "backups"}

# std.privacy.max_exit_deadline = 90d
max_exit_deadline_hours := 90 * 24

# std.privacy.max_suppression_sync = 72h
max_suppression_sync_hours := 72

# std.privacy.security_test_interval = 365d
security_test_interval_days := 365

# std.workers.min_ai_literacy = 80%
min_ai_literacy := 0.8

# ======================================================================== document kinds

is_contract if input.kind in {"Contract", "std.model.Contract"}

is_ai_system if input.kind in {"AiSystem", "std.model.AiSystem"}

# ======================================================================== Contract: std.model rules

# rule acts_as_processor on Contract =
#   (vendor.roles is absent and vendor.role == processor)
#   or (vendor.roles is present
#     and ((vendor.role is present and vendor.role == processor)
#       or (any r in vendor.roles: r.role == processor)))
acts_as_processor := t_or(
	t_and(t_not(present(doc(["vendor", "roles"]))), t_eq(doc(["vendor", "role"]), "processor")),
	t_and(
		present(doc(["vendor", "roles"])),
		t_or(
			t_and(present(doc(["vendor", "role"])), t_eq(doc(["vendor", "role"]), "processor")),
			some_role_processor,
		),
	),
)

# any r in vendor.roles: r.role == processor
some_role_processor := "unknown" if not is_array(doc(["vendor", "roles"]))
else := t_any([t_eq(at(r, ["role"]), "processor") | some r in doc(["vendor", "roles"])])

# rule handles_personal_data on Contract =
#   data.categories is not empty
#   or (data.categories_determined_by_customer is present and data.categories_determined_by_customer)
handles_personal_data := t_or(t_not_empty(doc(["data", "categories"])), categories_determined_by_customer)

categories_determined_by_customer := t_and(
	present(doc(["data", "categories_determined_by_customer"])),
	t_bool(doc(["data", "categories_determined_by_customer"])),
)

# rule handles_special_categories on Contract =
#   (data.special_categories is absent or data.special_categories != none)
#   and (data.categories contains any of SPECIAL_CATEGORIES
#     or (data.special_categories is present and data.special_categories == some)
#     or (data.categories_open is present and data.categories_open
#       and data.special_categories == some)
#     or (data.categories_determined_by_customer is present
#       and data.categories_determined_by_customer
#       and data.special_categories == some))
handles_special_categories := t_and(
	t_or(t_not(present(special_term)), t_ne(special_term, "none")),
	t_or(
		t_or(
			t_contains_any(doc(["data", "categories"]), SPECIAL_CATEGORIES),
			t_and(present(special_term), t_eq(special_term, "some")),
		),
		t_or(
			t_and(
				t_and(present(doc(["data", "categories_open"])), t_bool(doc(["data", "categories_open"]))),
				t_eq(special_term, "some"),
			),
			t_and(categories_determined_by_customer, t_eq(special_term, "some")),
		),
	),
)

special_term := doc(["data", "special_categories"])

# ======================================================================== Contract: privacy

# std.privacy.processor_instructions (GDPR Art. 28(3)(a))
#   when acts_as_processor
#   must dpa.documented_instructions
processor_instructions := outcome(
	acts_as_processor,
	t_bool(doc(["dpa", "documented_instructions"])),
)

# std.privacy.staff_confidentiality (GDPR Art. 28(3)(b))
#   when acts_as_processor
#   must dpa.staff_confidentiality
staff_confidentiality := outcome(
	acts_as_processor,
	t_bool(doc(["dpa", "staff_confidentiality"])),
)

# rule covers_all_data(m: SecurityMeasure) on Contract =
#   dpa.security_measures contains m
#   and (dpa.measure_scopes is absent
#     or (all s in dpa.measure_scopes where s.measure == m:
#         s.scope == all_data
#         or (m == encryption_in_transit
#           and s.scope == public_networks
#           and accept_transit_encryption_on_public_networks)))
covers_all_data(m) := t_and(
	t_contains(doc(["dpa", "security_measures"]), m),
	t_or(t_not(present(doc(["dpa", "measure_scopes"]))), scopes_cover_all(m)),
)

scopes_cover_all(m) := "unknown" if not is_array(doc(["dpa", "measure_scopes"]))
else := t_all_where([[t_eq(at(s, ["measure"]), m), scope_covers_all(m, at(s, ["scope"]))] |
	some s in doc(["dpa", "measure_scopes"])
])

scope_covers_all(m, scope) := t_or(
	t_eq(scope, "all_data"),
	t_and(
		t_and(t_of(m == "encryption_in_transit"), t_eq(scope, "public_networks")),
		accept_transit_encryption_on_public_networks,
	),
)

# std.privacy.security_of_processing (GDPR Art. 32(1)(a))
#   when handles_personal_data
#   must covers_all_data(encryption_at_rest) and covers_all_data(encryption_in_transit)
security_of_processing := outcome(
	handles_personal_data,
	t_and(covers_all_data("encryption_at_rest"), covers_all_data("encryption_in_transit")),
)

# std.privacy.special_category_safeguards (GDPR Art. 9, Art. 32(1)(a))
#   when handles_special_categories
#   must dpa.security_measures contains pseudonymisation
special_category_safeguards := outcome(
	handles_special_categories,
	t_contains(doc(["dpa", "security_measures"]), "pseudonymisation"),
)

# std.privacy.subprocessor_authorisation (GDPR Art. 28(2), Art. 28(4))
#   when dpa.subprocessors is not empty
#   must all s in dpa.subprocessors: s.authorised and s.flowdown
subprocessor_authorisation := outcome(
	t_not_empty(doc(["dpa", "subprocessors"])),
	subprocessors_authorised,
)

subprocessors_authorised := "unknown" if not is_array(doc(["dpa", "subprocessors"]))
else := t_all([t_and(t_bool(at(s, ["authorised"])), t_bool(at(s, ["flowdown"]))) |
	some s in doc(["dpa", "subprocessors"])
])

breach_notice_hours := hours(doc(["dpa", "breach_notice_hours"]), "hours")

breach_notice_term := doc(["dpa", "breach_notice_term"])

# std.privacy.breach_notice_to_controller (GDPR Art. 33(2))
#   when acts_as_processor
#   must (dpa.breach_notice_term is present and dpa.breach_notice_term in PROMPT_NOTICE)
#     or dpa.breach_notice_hours <= 72h
breach_notice_to_controller := outcome(
	acts_as_processor,
	t_or(
		t_and(present(breach_notice_term), t_in(breach_notice_term, PROMPT_NOTICE)),
		t_le(breach_notice_hours, 72),
	),
)

# rule breach_notice_in_words_only on Contract =
#   dpa.breach_notice_hours is absent and dpa.breach_notice_term is present
breach_notice_in_words_only := t_and(t_not(present(doc(["dpa", "breach_notice_hours"]))), present(breach_notice_term))

# std.privacy.breach_notice_deadline (GDPR Art. 33(1), Art. 33(2))
#   when acts_as_processor
#   must (breach_notice_in_words_only and accept_breach_notice_in_words)
#     or (not breach_notice_in_words_only and dpa.breach_notice_hours <= max_breach_notice)
breach_notice_deadline := outcome(
	acts_as_processor,
	t_or(
		t_and(breach_notice_in_words_only, accept_breach_notice_in_words),
		t_and(t_not(breach_notice_in_words_only), t_le(breach_notice_hours, max_breach_notice_hours)),
	),
)

# std.privacy.international_transfers (GDPR Art. 44, 45, 46, 49)
#   when transfers is not empty
#   must all t in transfers: lawful_transfer(t)
international_transfers := outcome(
	t_not_empty(doc(["transfers"])),
	transfers_lawful,
)

transfers_lawful := "unknown" if not is_array(doc(["transfers"]))
else := t_all([lawful_transfer(t) | some t in doc(["transfers"])])

# The day the 2010 SCCs lapsed.
scc_2010_lapsed := day_of(2022, 12, 27)

# rule valid_mechanism(t: Transfer, m: Mechanism) =
#   (m == adequacy and t.to in ADEQUACY)
#   or m in {scc_2021_914, bcr}
#   or (m == scc_2010_87 and today < 2022-12-27)
valid_mechanism(t, m) := t_or(
	t_and(t_eq(m, "adequacy"), t_in(at(t, ["to"]), ADEQUACY)),
	t_or(
		t_in(m, {"scc_2021_914", "bcr"}),
		t_and(t_eq(m, "scc_2010_87"), t_of(today < scc_2010_lapsed)),
	),
)

# rule mechanism_unstated(t: Transfer) = t.mechanism is absent and t.mechanisms is absent
mechanism_unstated(t) := t_and(t_not(present(at(t, ["mechanism"]))), t_not(present(at(t, ["mechanisms"]))))

# rule lawful_transfer(t: Transfer) =
#   t.to in EEA
#   or (mechanism_unstated(t) and (t.to in ADEQUACY or valid_mechanism(t, t.mechanism)))
#   or (t.mechanism is present and valid_mechanism(t, t.mechanism))
#   or (t.mechanisms is present and (any m in t.mechanisms: valid_mechanism(t, m)))
lawful_transfer(t) := t_or(
	t_or(
		t_in(at(t, ["to"]), EEA),
		t_and(
			mechanism_unstated(t),
			t_or(t_in(at(t, ["to"]), ADEQUACY), valid_mechanism(t, at(t, ["mechanism"]))),
		),
	),
	t_or(
		t_and(present(at(t, ["mechanism"])), valid_mechanism(t, at(t, ["mechanism"]))),
		t_and(present(at(t, ["mechanisms"])), some_valid_mechanism(t)),
	),
)

# any m in t.mechanisms: valid_mechanism(t, m)
some_valid_mechanism(t) := "unknown" if not is_array(at(t, ["mechanisms"]))
else := t_any([valid_mechanism(t, m) | some m in at(t, ["mechanisms"])])

# rule needs_transfer_assessment(t: Transfer) =
#   t.to not in EEA
#   and t.to not in ADEQUACY
#   and ((t.mechanism is present and t.mechanism in {scc_2021_914, bcr})
#     or (t.mechanisms is present and t.mechanisms contains any of {scc_2021_914, bcr}))
needs_transfer_assessment(t) := t_and(
	t_and(t_not(t_in(at(t, ["to"]), EEA)), t_not(t_in(at(t, ["to"]), ADEQUACY))),
	t_or(
		t_and(present(at(t, ["mechanism"])), t_in(at(t, ["mechanism"]), {"scc_2021_914", "bcr"})),
		t_and(present(at(t, ["mechanisms"])), t_contains_any(at(t, ["mechanisms"]), {"scc_2021_914", "bcr"})),
	),
)

# std.privacy.transfer_impact_assessment (GDPR Art. 46(1), CJEU C-311/18)
#   when any t in transfers: needs_transfer_assessment(t)
#   must all t in transfers where needs_transfer_assessment(t): t.tia_done
transfer_impact_assessment := outcome(transfers_need_assessment, transfers_assessed)

transfers_need_assessment := "unknown" if not is_array(doc(["transfers"]))
else := t_any([needs_transfer_assessment(t) | some t in doc(["transfers"])])

transfers_assessed := t_all_where(transfer_assessment_pairs)

# [filter, body] per transfer: needs_transfer_assessment(t), t.tia_done.
transfer_assessment_pairs := null if not is_array(doc(["transfers"]))
else := [[needs_transfer_assessment(t), t_bool(at(t, ["tia_done"]))] | some t in doc(["transfers"])]

# `data.storage_required_by_law is present and data.storage_required_by_law`: the `when` of
# legal_storage_requirement, the exception to data_return_or_deletion.
legal_storage_requirement_when := t_and(
	present(doc(["data", "storage_required_by_law"])),
	t_bool(doc(["data", "storage_required_by_law"])),
)

# rule deletion_deadline_in_words_only on Contract =
#   dpa.exit.deadline_days is absent
#   and dpa.exit.deadline_term is present
#   and dpa.exit.deadline_term != by_reference
deletion_deadline_in_words_only := t_and(
	t_and(t_not(present(doc(["dpa", "exit", "deadline_days"]))), present(doc(["dpa", "exit", "deadline_term"]))),
	t_ne(doc(["dpa", "exit", "deadline_term"]), "by_reference"),
)

# std.privacy.data_return_or_deletion (GDPR Art. 28(3)(g))
#   when acts_as_processor
#   must dpa.exit.return_or_delete
#     and ((deletion_deadline_in_words_only and accept_deletion_deadline_in_words)
#       or (not deletion_deadline_in_words_only and dpa.exit.deadline_days <= max_exit_deadline))
#   displaced by the exception legal_storage_requirement
data_return_or_deletion := outcome(
	t_and(acts_as_processor, t_not(legal_storage_requirement_when)),
	t_and(
		t_bool(doc(["dpa", "exit", "return_or_delete"])),
		t_or(
			t_and(deletion_deadline_in_words_only, accept_deletion_deadline_in_words),
			t_and(
				t_not(deletion_deadline_in_words_only),
				t_le(hours(doc(["dpa", "exit", "deadline_days"]), "days"), max_exit_deadline_hours),
			),
		),
	),
)

# std.privacy.retention_after_exit (GDPR Art. 28(3)(g))
#   when acts_as_processor
#     and dpa.exit.retention_exceptions is present
#     and dpa.exit.retention_exceptions is not empty
#   must all e in dpa.exit.retention_exceptions: e in allowed_retention_exceptions
retention_after_exit := outcome(
	t_and(
		t_and(acts_as_processor, present(doc(["dpa", "exit", "retention_exceptions"]))),
		t_not_empty(doc(["dpa", "exit", "retention_exceptions"])),
	),
	retention_exceptions_allowed,
)

retention_exceptions_allowed := "unknown" if not is_array(doc(["dpa", "exit", "retention_exceptions"]))
else := t_all([t_in(e, allowed_retention_exceptions) | some e in doc(["dpa", "exit", "retention_exceptions"])])

# std.privacy.legal_storage_requirement (GDPR Art. 28(3)(g)), exception to data_return_or_deletion
#   when data.storage_required_by_law is present and data.storage_required_by_law
#   must data.storage_law is present
legal_storage_requirement := outcome(
	legal_storage_requirement_when,
	present(doc(["data", "storage_law"])),
)

# std.privacy.audit_rights (GDPR Art. 28(3)(h))
#   when acts_as_processor
#   must (dpa.audit_forms is absent and dpa.audit_rights)
#     or (dpa.audit_forms is present
#       and (dpa.audit_forms contains any of {on_site, on_site_if_reports_insufficient}
#         or (accept_report_only_audits and dpa.audit_forms contains third_party_report)))
audit_rights := outcome(
	acts_as_processor,
	t_or(
		t_and(t_not(present(audit_forms)), t_bool(doc(["dpa", "audit_rights"]))),
		t_and(
			present(audit_forms),
			t_or(
				t_contains_any(audit_forms, {"on_site", "on_site_if_reports_insufficient"}),
				t_and(accept_report_only_audits, t_contains(audit_forms, "third_party_report")),
			),
		),
	),
)

audit_forms := doc(["dpa", "audit_forms"])

# std.privacy.subprocessor_change_notice (GDPR Art. 28(2), Art. 28(4))
#   when acts_as_processor and (dpa.subprocessors is not empty or dpa.subprocessor_changes is present)
#   must dpa.subprocessor_changes.advance_notice and dpa.subprocessor_changes.objection_right
subprocessor_change_notice := outcome(
	t_and(
		acts_as_processor,
		t_or(t_not_empty(doc(["dpa", "subprocessors"])), present(doc(["dpa", "subprocessor_changes"]))),
	),
	t_and(
		t_bool(doc(["dpa", "subprocessor_changes", "advance_notice"])),
		t_bool(doc(["dpa", "subprocessor_changes", "objection_right"])),
	),
)

# std.privacy.direct_marketing_objection (GDPR Art. 21(2), Art. 21(3))
#   when marketing is present and marketing.direct_marketing
#   must marketing.objection_honoured and marketing.suppression_sync_hours <= max_suppression_sync
direct_marketing_objection := outcome(
	t_and(present(doc(["marketing"])), t_bool(doc(["marketing", "direct_marketing"]))),
	t_and(
		t_bool(doc(["marketing", "objection_honoured"])),
		t_le(hours(doc(["marketing", "suppression_sync_hours"]), "hours"), max_suppression_sync_hours),
	),
)

# std.privacy.security_testing (GDPR Art. 32(1)(d))
#   when acts_as_processor or handles_personal_data
#   must (audit.last_security_test is present
#       and audit.last_security_test within security_test_interval before today)
#     or (audit.last_security_test is absent and audit.test_interval <= security_test_interval)
security_testing := outcome(
	t_or(acts_as_processor, handles_personal_data),
	t_or(
		t_and(
			present(doc(["audit", "last_security_test"])),
			t_within_days_before_today(doc(["audit", "last_security_test"]), security_test_interval_days),
		),
		t_and(
			t_not(present(doc(["audit", "last_security_test"]))),
			t_le(hours(doc(["audit", "test_interval"]), "days"), security_test_interval_days * 24),
		),
	),
)

# ======================================================================== Contract: accountability

# std.accountability.serious_incident_reporting (EU AI Act Art. 73(2))
#   when ai is present or (involves_ai is present and involves_ai)
#   must ai.incident_report_days <= 15d
serious_incident_reporting := outcome(
	t_or(present(doc(["ai"])), t_and(present(doc(["involves_ai"])), t_bool(doc(["involves_ai"])))),
	t_le(hours(doc(["ai", "incident_report_days"]), "days"), 15 * 24),
)

# ======================================================================== Contract: workers

# std.workers.retraining_for_displaced_roles (ILO Recommendation 195), a recommendation
#   when workforce is present and workforce.roles_affected > 0
#   should workforce.retraining_offered
retraining_for_displaced_roles := outcome(
	t_and(present(doc(["workforce"])), t_gt(doc(["workforce", "roles_affected"]), 0)),
	t_bool(doc(["workforce", "retraining_offered"])),
)

# ======================================================================== AiSystem: std.model rules

# rule high_risk on AiSystem =
#   (risk_class is present and risk_class == high)
#   or ((risk_class is absent or purposes is present)
#     and purposes contains any of ANNEX_III_PURPOSES
#     and not_high_risk_assessment is absent)
high_risk := t_or(
	t_and(present(doc(["risk_class"])), t_eq(doc(["risk_class"]), "high")),
	t_and(
		t_and(
			t_or(t_not(present(doc(["risk_class"]))), present(doc(["purposes"]))),
			t_contains_any(doc(["purposes"]), ANNEX_III_PURPOSES),
		),
		t_not(present(doc(["not_high_risk_assessment"]))),
	),
)

# ======================================================================== AiSystem: privacy

# std.privacy.dpia_for_profiling (GDPR Art. 35)
#   when features contains profiling
#   must dpia_done
dpia_for_profiling := outcome(
	t_contains(doc(["features"]), "profiling"),
	t_bool(doc(["dpia_done"])),
)

# ======================================================================== AiSystem: bias

screens_candidates := t_contains(doc(["purposes"]), "candidate_screening")

# std.bias.aedt_annual_bias_audit (NYC Local Law 144 §20-871(a)(1))
#   when purposes contains candidate_screening
#   must bias_audit.date within 365d before today
aedt_annual_bias_audit := outcome(
	screens_candidates,
	t_within_days_before_today(doc(["bias_audit", "date"]), 365),
)

# std.bias.aedt_independent_auditor (6 RCNY §5-300)
#   when purposes contains candidate_screening
#   must bias_audit.independent_auditor
aedt_independent_auditor := outcome(
	screens_candidates,
	t_bool(doc(["bias_audit", "independent_auditor"])),
)

# The categories of the bias audit, or null when absent.
audit_categories := doc(["bias_audit", "categories"])

# std.bias.four_fifths_rule (29 CFR §1607.4(D))
#   when bias_audit is present
#   must all c in bias_audit.categories where c.share >= 2%: c.impact_ratio >= 0.8
four_fifths_rule := outcome(
	present(doc(["bias_audit"])),
	t_all_where(four_fifths_pairs),
)

# [filter, body] per category: c.share >= 2%, c.impact_ratio >= 0.8.
four_fifths_pairs := null if not is_array(audit_categories)
else := [[t_ge(share(at(c, ["share"])), 0.02), t_ge(at(c, ["impact_ratio"]), 0.8)] |
	some c in audit_categories
]

# rule excluded_from_ratios(c: BiasCategory) =
#   (c.excluded is present and c.excluded) or (c.impact_ratio is absent and c.share < 2%)
excluded_from_ratios(c) := t_or(
	t_and(present(at(c, ["excluded"])), t_bool(at(c, ["excluded"]))),
	t_and(t_not(present(at(c, ["impact_ratio"]))), t_lt(share(at(c, ["share"])), 0.02)),
)

# std.bias.small_category_exclusion (6 RCNY §5-301(d))
#   when bias_audit is present
#   must all c in bias_audit.categories where excluded_from_ratios(c):
#       c.share < 2%
#       and (c.exclusion_reason is present or (c.applicants is present and c.applicants == 0))
small_category_exclusion := outcome(
	present(doc(["bias_audit"])),
	t_all_where(small_category_pairs),
)

# [filter, body] per category.
small_category_pairs := null if not is_array(audit_categories)
else := [[excluded_from_ratios(c), small_category_justified(c)] | some c in audit_categories]

small_category_justified(c) := t_and(
	t_lt(share(at(c, ["share"])), 0.02),
	t_or(
		present(at(c, ["exclusion_reason"])),
		t_and(present(at(c, ["applicants"])), t_eq(at(c, ["applicants"]), 0)),
	),
)

# `any c in bias_audit.categories: c.dimension == <dimension>`
audit_covers(dimension) := "unknown" if not is_array(audit_categories)
else := t_any([t_eq(at(c, ["dimension"]), dimension) | some c in audit_categories])

# std.bias.aedt_audit_category_coverage (6 RCNY §5-301(b), §5-301(c))
#   when purposes contains candidate_screening and bias_audit is present
#   must (any c in bias_audit.categories: c.dimension == "sex")
#     and (any c in bias_audit.categories: c.dimension == "race_ethnicity")
#     and (any c in bias_audit.categories: c.dimension == "intersectional")
aedt_audit_category_coverage := outcome(
	t_and(screens_candidates, present(doc(["bias_audit"]))),
	t_and(
		t_and(audit_covers("sex"), audit_covers("race_ethnicity")),
		audit_covers("intersectional"),
	),
)

# std.bias.aedt_test_data_explained (6 RCNY §5-303)
#   when purposes contains candidate_screening
#     and bias_audit.data_source is present
#     and bias_audit.data_source == test_data
#   must bias_audit.test_data_explanation is present
aedt_test_data_explained := outcome(
	t_and(
		t_and(screens_candidates, present(doc(["bias_audit", "data_source"]))),
		t_eq(doc(["bias_audit", "data_source"]), "test_data"),
	),
	present(doc(["bias_audit", "test_data_explanation"])),
)

# std.bias.training_data_bias_examination (EU AI Act Art. 10(2)(f), 10(2)(g))
#   when high_risk
#   must training_data.bias_examined and training_data.mitigations is not empty
training_data_bias_examination := outcome(
	high_risk,
	t_and(
		t_bool(doc(["training_data", "bias_examined"])),
		t_not_empty(doc(["training_data", "mitigations"])),
	),
)

# ======================================================================== AiSystem: transparency

# std.transparency.chatbot_disclosure (EU AI Act Art. 50(1))
#   when features contains chatbot
#   must disclosure.chatbot_notice
chatbot_disclosure := outcome(
	t_contains(doc(["features"]), "chatbot"),
	t_bool(doc(["disclosure", "chatbot_notice"])),
)

# `generation.assistive_editing_only is present and generation.assistive_editing_only`: the
# `when` of assistive_editing_exemption, the exception to synthetic_content_marking.
assistive_editing_exemption_when := t_and(
	present(doc(["generation", "assistive_editing_only"])),
	t_bool(doc(["generation", "assistive_editing_only"])),
)

output_markings := doc(["disclosure", "output_markings"])

# rule marks(modality: Modality) on AiSystem = any m in disclosure.output_markings:
#     m.modality == modality and m.marking != none
marks(modality) := "unknown" if not is_array(output_markings)
else := t_any([t_and(t_eq(at(m, ["modality"]), modality), t_ne(at(m, ["marking"]), "none")) |
	some m in output_markings
])

# all m in disclosure.output_markings: m.marking != none
every_marking_set := "unknown" if not is_array(output_markings)
else := t_all([t_ne(at(m, ["marking"]), "none") | some m in output_markings])

# `not (features contains <feature>) or marks(<modality>)`
marks_if_generates(feature, modality) := t_or(t_not(t_contains(doc(["features"]), feature)), marks(modality))

# std.transparency.synthetic_content_marking (EU AI Act Art. 50(2))
#   when features contains any of {
#     generative_text, generative_image, generative_video, generative_audio,
#   }
#   must (disclosure.output_markings is absent and disclosure.output_marking != none)
#     or (disclosure.output_markings is present
#       and (all m in disclosure.output_markings: m.marking != none)
#       and (not (features contains generative_text) or marks(text))
#       and (not (features contains generative_image) or marks(image))
#       and (not (features contains generative_audio) or marks(audio))
#       and (not (features contains generative_video) or marks(video)))
#   displaced by the exception assistive_editing_exemption
synthetic_content_marking := outcome(
	t_and(
		t_contains_any(
			doc(["features"]),
			{"generative_text", "generative_image", "generative_video", "generative_audio"},
		),
		t_not(assistive_editing_exemption_when),
	),
	t_or(
		t_and(t_not(present(output_markings)), t_ne(doc(["disclosure", "output_marking"]), "none")),
		t_and(
			t_and(present(output_markings), every_marking_set),
			t_and(
				t_and(
					marks_if_generates("generative_text", "text"),
					marks_if_generates("generative_image", "image"),
				),
				t_and(
					marks_if_generates("generative_audio", "audio"),
					marks_if_generates("generative_video", "video"),
				),
			),
		),
	),
)

# std.transparency.assistive_editing_exemption (EU AI Act Art. 50(2)), exception to
# synthetic_content_marking
#   when generation.assistive_editing_only is present and generation.assistive_editing_only
#   must generation.assessment is present
assistive_editing_exemption := outcome(
	assistive_editing_exemption_when,
	present(doc(["generation", "assessment"])),
)

# std.transparency.deepfake_disclosure (EU AI Act Art. 50(4))
#   when features contains any of {generative_image, generative_video, generative_audio}
#   must disclosure.deepfake_label
deepfake_disclosure := outcome(
	t_contains_any(doc(["features"]), {"generative_image", "generative_video", "generative_audio"}),
	t_bool(doc(["disclosure", "deepfake_label"])),
)

# std.transparency.automated_decision_safeguards (GDPR Art. 22(3), Art. 13(2)(f))
#   when decisions.significant_effects
#   must decisions.human_review and decisions.explanation
automated_decision_safeguards := outcome(
	t_bool(doc(["decisions", "significant_effects"])),
	t_and(t_bool(doc(["decisions", "human_review"])), t_bool(doc(["decisions", "explanation"]))),
)

# std.transparency.instructions_for_use (EU AI Act Art. 13)
#   when high_risk
#   must documentation.instructions_for_use
instructions_for_use := outcome(
	high_risk,
	t_bool(doc(["documentation", "instructions_for_use"])),
)

# std.transparency.no_fake_reviews (16 CFR Part 465), a prohibition
#   must not purposes contains review_generation
no_fake_reviews := outcome(
	"true",
	t_not(t_contains(doc(["purposes"]), "review_generation")),
)

# ======================================================================== AiSystem: workers

workplace := t_bool(doc(["workplace"]))

# std.workers.inform_workers_before_deployment (EU AI Act Art. 26(7))
#   when workplace and high_risk
#   must workers.informed_on < go_live
inform_workers_before_deployment := outcome(
	t_and(workplace, high_risk),
	t_date_before(doc(["workers", "informed_on"]), doc(["go_live"])),
)

# `emotion_recognition_purpose is present and emotion_recognition_purpose in {medical, safety}
#  and workplace`: the `when` of emotion_recognition_for_medical_or_safety, the exception to
# no_workplace_emotion_recognition.
emotion_recognition_for_medical_or_safety_when := t_and(
	t_and(
		present(doc(["emotion_recognition_purpose"])),
		t_in(doc(["emotion_recognition_purpose"]), {"medical", "safety"}),
	),
	workplace,
)

# std.workers.no_workplace_emotion_recognition (EU AI Act Art. 5(1)(f)), a prohibition
#   when workplace
#   must not features contains emotion_recognition
#   displaced by the exception emotion_recognition_for_medical_or_safety
no_workplace_emotion_recognition := outcome(
	t_and(workplace, t_not(emotion_recognition_for_medical_or_safety_when)),
	t_not(t_contains(doc(["features"]), "emotion_recognition")),
)

# std.workers.emotion_recognition_for_medical_or_safety (EU AI Act Art. 5(1)(f), GDPR Art. 35),
# exception to no_workplace_emotion_recognition
#   when emotion_recognition_purpose is present
#    and emotion_recognition_purpose in {medical, safety}
#    and workplace
#   must dpia_done
emotion_recognition_for_medical_or_safety := outcome(
	emotion_recognition_for_medical_or_safety_when,
	t_bool(doc(["dpia_done"])),
)

# std.workers.human_decision_on_termination (Directive (EU) 2024/2831 Art. 10, 11)
#   when workplace and features contains automated_decisions
#   must decisions.termination_by_human
human_decision_on_termination := outcome(
	t_and(workplace, t_contains(doc(["features"]), "automated_decisions")),
	t_bool(doc(["decisions", "termination_by_human"])),
)

# std.workers.ai_literacy (EU AI Act Art. 4), a recommendation
#   should workers.ai_literacy_trained_pct >= min_ai_literacy
ai_literacy := outcome(
	"true",
	t_ge(share(doc(["workers", "ai_literacy_trained_pct"])), min_ai_literacy),
)

# ======================================================================== AiSystem: accountability

# std.accountability.log_retention (EU AI Act Art. 26(6))
#   when high_risk
#   must logging.enabled and logging.retention_days >= 183
log_retention := outcome(
	high_risk,
	t_and(t_bool(doc(["logging", "enabled"])), t_ge(doc(["logging", "retention_days"]), 183)),
)

# std.accountability.human_oversight_assigned (EU AI Act Art. 14, Art. 26(2))
#   when high_risk
#   must oversight.assignees is not empty and (all a in oversight.assignees: a.trained)
human_oversight_assigned := outcome(
	high_risk,
	t_and(t_not_empty(doc(["oversight", "assignees"])), assignees_trained),
)

assignees_trained := "unknown" if not is_array(doc(["oversight", "assignees"]))
else := t_all([t_bool(at(a, ["trained"])) | some a in doc(["oversight", "assignees"])])

# std.accountability.post_deployment_monitoring (EU AI Act Art. 26(5), Art. 72)
#   when high_risk
#   must monitoring.enabled and monitoring.suspend_procedure
post_deployment_monitoring := outcome(
	high_risk,
	t_and(t_bool(doc(["monitoring", "enabled"])), t_bool(doc(["monitoring", "suspend_procedure"]))),
)

# ======================================================================== outcomes

# The outcome of every obligation on the document's kind, by its fully qualified name.
outcomes := {
	"std.privacy.processor_instructions": processor_instructions,
	"std.privacy.staff_confidentiality": staff_confidentiality,
	"std.privacy.security_of_processing": security_of_processing,
	"std.privacy.special_category_safeguards": special_category_safeguards,
	"std.privacy.subprocessor_authorisation": subprocessor_authorisation,
	"std.privacy.breach_notice_to_controller": breach_notice_to_controller,
	"std.privacy.breach_notice_deadline": breach_notice_deadline,
	"std.privacy.international_transfers": international_transfers,
	"std.privacy.transfer_impact_assessment": transfer_impact_assessment,
	"std.privacy.data_return_or_deletion": data_return_or_deletion,
	"std.privacy.retention_after_exit": retention_after_exit,
	"std.privacy.legal_storage_requirement": legal_storage_requirement,
	"std.privacy.audit_rights": audit_rights,
	"std.privacy.subprocessor_change_notice": subprocessor_change_notice,
	"std.privacy.direct_marketing_objection": direct_marketing_objection,
	"std.privacy.security_testing": security_testing,
	"std.accountability.serious_incident_reporting": serious_incident_reporting,
	"std.workers.retraining_for_displaced_roles": retraining_for_displaced_roles,
} if is_contract

outcomes := {
	"std.privacy.dpia_for_profiling": dpia_for_profiling,
	"std.bias.aedt_annual_bias_audit": aedt_annual_bias_audit,
	"std.bias.aedt_independent_auditor": aedt_independent_auditor,
	"std.bias.four_fifths_rule": four_fifths_rule,
	"std.bias.small_category_exclusion": small_category_exclusion,
	"std.bias.aedt_audit_category_coverage": aedt_audit_category_coverage,
	"std.bias.aedt_test_data_explained": aedt_test_data_explained,
	"std.bias.training_data_bias_examination": training_data_bias_examination,
	"std.transparency.chatbot_disclosure": chatbot_disclosure,
	"std.transparency.synthetic_content_marking": synthetic_content_marking,
	"std.transparency.assistive_editing_exemption": assistive_editing_exemption,
	"std.transparency.deepfake_disclosure": deepfake_disclosure,
	"std.transparency.automated_decision_safeguards": automated_decision_safeguards,
	"std.transparency.instructions_for_use": instructions_for_use,
	"std.transparency.no_fake_reviews": no_fake_reviews,
	"std.workers.inform_workers_before_deployment": inform_workers_before_deployment,
	"std.workers.no_workplace_emotion_recognition": no_workplace_emotion_recognition,
	"std.workers.emotion_recognition_for_medical_or_safety": emotion_recognition_for_medical_or_safety,
	"std.workers.human_decision_on_termination": human_decision_on_termination,
	"std.workers.ai_literacy": ai_literacy,
	"std.accountability.log_retention": log_retention,
	"std.accountability.human_oversight_assigned": human_oversight_assigned,
	"std.accountability.post_deployment_monitoring": post_deployment_monitoring,
} if is_ai_system
