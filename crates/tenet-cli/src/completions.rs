//! `tenet completions SHELL` and `tenet man`: generated from the same clap definitions as the
//! command line itself, so they never drift from it.

use crate::exit::Exit;
use std::io::Write as _;
use std::path::PathBuf;

/// Arguments of `tenet completions`.
#[derive(clap::Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// Arguments of `tenet man`.
#[derive(clap::Args, Debug)]
pub struct ManArgs {
    /// Write `tenet.1` and `tenet-COMMAND.1` for every command into this directory instead of
    /// printing `tenet.1`.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// Prints the completion script for a shell.
pub fn completions(args: &CompletionsArgs, mut command: clap::Command) -> Exit {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "tenet", &mut script);
    write_stdout(&script)
}

/// Prints the man page, or writes every command's page into `--out`.
pub fn man(args: &ManArgs, command: clap::Command) -> Exit {
    let Some(dir) = &args.out else {
        let mut page = Vec::new();
        if let Err(e) = clap_mangen::Man::new(command).render(&mut page) {
            eprintln!("error: cannot render the man page: {e}");
            return Exit::Input;
        }
        return write_stdout(&page);
    };
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("error: cannot create `{}`: {e}", dir.display());
        return Exit::Input;
    }
    match clap_mangen::generate_to(command, dir) {
        Ok(()) => {
            println!("wrote the man pages into `{}`", dir.display());
            Exit::Clean
        }
        Err(e) => {
            eprintln!("error: cannot write the man pages into `{}`: {e}", dir.display());
            Exit::Input
        }
    }
}

fn write_stdout(bytes: &[u8]) -> Exit {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Exit::Clean,
        // A closed pipe (`tenet man | head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Exit::Clean,
        Err(e) => {
            eprintln!("error: cannot write to standard output: {e}");
            Exit::Input
        }
    }
}
