//! The exit statuses of every command.

/// Exit statuses, in increasing precedence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// Nothing to report.
    Clean = 0,
    /// Findings at or above the `--fail-on` severity.
    Findings = 1,
    /// Bad usage or unreadable input documents.
    Input = 2,
    /// Errors in the policies.
    Policy = 3,
}
