//! Documents that could not be loaded, in the form reports give them.

use tenet_eval::InputProblem;
use tenet_input::LoadError;

/// A load error in its report form (located when it has a position).
pub fn load_problem(e: &LoadError) -> InputProblem {
    use miette::Diagnostic as _;
    let (line, column) = e.line_col().map_or((None, None), |(l, c)| (u32::try_from(l).ok(), u32::try_from(c).ok()));
    InputProblem {
        code: e.code().map(|c| c.to_string()).unwrap_or_else(|| "tenet::input".into()),
        severity: tenet_syntax::Level::Error,
        message: e.to_string(),
        help: e.help().map(|h| h.to_string()),
        supplied: None,
        line,
        column,
    }
}
