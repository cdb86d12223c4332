//! `tenet login` and `tenet logout`: credentials for a registry, checked against it and stored
//! the way `docker login` stores them, so Docker and Tenet share one login.

use super::{ConnectArgs, run};
use crate::exit::Exit;
use crate::render::Renderer;
use std::io::{IsTerminal as _, Read as _};
use tenet_pkg::manifest::RegistryRef;
use tenet_pkg::registry::Client;
use tenet_pkg::registry::credentials::{self, Credential, Stored};
use tenet_pkg::{PkgError, codes};

/// Arguments of `tenet login`.
#[derive(clap::Args, Debug)]
pub struct LoginArgs {
    /// The registry, `HOST[:PORT]` (a repository path after it is ignored; `http://` for a
    /// registry without TLS).
    #[arg(value_name = "REGISTRY")]
    pub registry: String,
    /// The user name (default: `TENET_REGISTRY_USERNAME`).
    #[arg(long, short = 'u', value_name = "NAME")]
    pub username: Option<String>,
    /// Read the password or access token from standard input (otherwise from
    /// `TENET_REGISTRY_PASSWORD`).
    #[arg(long)]
    pub password_stdin: bool,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// Arguments of `tenet logout`.
#[derive(clap::Args, Debug)]
pub struct LogoutArgs {
    /// The registry, `HOST[:PORT]`.
    #[arg(value_name = "REGISTRY")]
    pub registry: String,
}

/// The registry reference for a `HOST[:PORT][/PATH]` argument.
fn registry_of(text: &str) -> Result<RegistryRef, PkgError> {
    let rest = text.split_once("://").map_or(text, |(_, r)| r);
    let with_path = if rest.contains('/') { text.to_string() } else { format!("{text}/login") };
    RegistryRef::parse(&with_path)
        .map_err(|why| PkgError::new(codes::BAD_VALUE, format!("`{text}` is not a registry")).with_help(why))
}

/// Checks the credentials against the registry, then stores them.
pub fn login(args: &LoginArgs, renderer: &Renderer) -> Exit {
    run(renderer, || {
        let registry = registry_of(&args.registry)?;
        let host = registry.host.clone();
        let username = match &args.username {
            Some(name) => name.clone(),
            None => std::env::var(credentials::ENV_USERNAME).ok().filter(|u| !u.is_empty()).ok_or_else(|| {
                PkgError::new(codes::AUTH, format!("no user name for `{host}`"))
                    .with_help(format!("give `--username NAME`, or set `{}`", credentials::ENV_USERNAME))
            })?,
        };
        let password = if args.password_stdin {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text).map_err(|e| {
                PkgError::new(codes::AUTH, format!("cannot read the password from standard input: {e}"))
            })?;
            text.trim_end_matches(['\n', '\r']).to_string()
        } else {
            match std::env::var(credentials::ENV_PASSWORD).ok().filter(|p| !p.is_empty()) {
                Some(p) => p,
                None => {
                    let how = if std::io::stdin().is_terminal() {
                        ""
                    } else {
                        " (standard input is ignored without `--password-stdin`)"
                    };
                    return Err(PkgError::new(codes::AUTH, format!("no password or token for `{host}`{how}"))
                        .with_help(format!(
                            "pipe it in: `printf %s \"$TOKEN\" | tenet login {host} --username NAME --password-stdin`, or set `{}`",
                            credentials::ENV_PASSWORD
                        )));
                }
            }
        };
        if password.is_empty() {
            return Err(PkgError::new(codes::AUTH, format!("the password for `{host}` is empty"))
                .with_help("give the password or access token on standard input"));
        }
        let mut options = args.connect.options()?;
        options.credential = Some(Credential::Basic { username: username.clone(), password: password.clone() });
        Client::new(&options)?.check_login(&registry)?;
        let stored = credentials::store(&host, &username, &password)?;
        match stored {
            Stored::ConfigFile(path) => {
                println!("logged in to `{host}` as `{username}`; credentials stored in `{}`", path.display())
            }
            Stored::Helper(name) => {
                println!("logged in to `{host}` as `{username}`; credentials stored with `docker-credential-{name}`")
            }
        }
        Ok(())
    })
}

/// Removes the stored credentials for a registry.
pub fn logout(args: &LogoutArgs, renderer: &Renderer) -> Exit {
    run(renderer, || {
        let registry = registry_of(&args.registry)?;
        if credentials::erase(&registry.host)? {
            println!("removed the credentials for `{}`", registry.host);
        } else {
            println!("not logged in to `{}`", registry.host);
        }
        Ok(())
    })
}
