//! The progress bar of long `tenet eval` runs: on stderr, only on a terminal, only once a run
//! has lasted a second, with documents per second and findings so far.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal as _;
use std::time::{Duration, Instant};
use tenet_eval::{DocumentReport, Outcome};

/// How long a run goes before the bar appears.
const DELAY: Duration = Duration::from_secs(1);

/// Progress of a run; does nothing when stderr is not a terminal or with `--quiet`.
pub struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
    shown: bool,
    documents: u64,
    violated: u64,
    undetermined: u64,
}

impl Progress {
    /// Starts counting; the bar is drawn only after [`DELAY`].
    pub fn start(quiet: bool) -> Progress {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
            if let Ok(style) =
                ProgressStyle::with_template("{spinner} {human_pos} documents · {per_sec} · {elapsed} · {msg}")
            {
                bar.set_style(style);
            }
            bar
        });
        Progress { bar, started: Instant::now(), shown: false, documents: 0, violated: 0, undetermined: 0 }
    }

    /// Counts one finished document.
    pub fn document(&mut self, report: &DocumentReport) {
        let Some(bar) = &self.bar else { return };
        self.documents += 1;
        for f in &report.findings {
            match f.status {
                Outcome::Violated => self.violated += 1,
                Outcome::Undetermined => self.undetermined += 1,
                _ => {}
            }
        }
        if !self.shown && self.started.elapsed() >= DELAY {
            bar.set_draw_target(ProgressDrawTarget::stderr());
            bar.enable_steady_tick(Duration::from_millis(120));
            self.shown = true;
        }
        // The bar redraws at its own pace; updating it per document costs little, and a message
        // only every 256 documents.
        bar.set_position(self.documents);
        if self.documents % 256 == 1 {
            bar.set_message(format!("{} violated · {} undetermined", self.violated, self.undetermined));
        }
    }

    /// Clears the bar.
    pub fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}
