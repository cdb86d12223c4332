//! The decision record: `tenet eval --log FILE` appends one JSON line per evaluated document
//! (the run record, the document's digest, its outcomes), each line carrying a sequence
//! number, the hash of the line before it and its own hash; `tenet log verify FILE` walks the
//! chain and says which line was edited, removed, inserted or moved.

use crate::exit::Exit;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use tenet_eval::DocumentReport;

/// The `prev` of the first line of a log.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What identifies a run: Tenet's version, a run id, the evaluation date and the digest of the
/// policy set (every policy file's path and text, and `tenet.lock`).
#[derive(Clone, Debug, serde::Serialize)]
pub struct RunRecord {
    pub tenet_version: &'static str,
    /// 32 random hex digits.
    pub run_id: String,
    pub today: String,
    /// `sha256:` and the hex digest.
    pub policy_digest: String,
}

impl RunRecord {
    /// The record of this run, over the user's policy files (`(path, text)`) and the lock file
    /// text, when the project has one.
    pub fn new(today: String, policies: &[(String, String)], lock: Option<&str>) -> RunRecord {
        let mut sorted: Vec<&(String, String)> = policies.iter().collect();
        sorted.sort();
        let mut hasher = Sha256::new();
        for (path, text) in sorted {
            hasher.update(path.as_bytes());
            hasher.update([0]);
            hasher.update(text.as_bytes());
            hasher.update([0]);
        }
        hasher.update(b"tenet.lock\0");
        hasher.update(lock.unwrap_or_default().as_bytes());
        let mut id = [0u8; 16];
        // Without randomness the id still differs between runs of different inputs and dates.
        if getrandom::fill(&mut id).is_err() {
            let fallback = Sha256::digest(format!("{today}{:?}", std::time::SystemTime::now()));
            for (byte, from) in id.iter_mut().zip(fallback.iter()) {
                *byte = *from;
            }
        }
        RunRecord {
            tenet_version: env!("CARGO_PKG_VERSION"),
            run_id: hex(&id),
            today,
            policy_digest: format!("sha256:{}", hex(&hasher.finalize())),
        }
    }
}

/// The run record with each input's digest, as the JSON report's `run`.
#[derive(Debug, serde::Serialize)]
pub struct RunReport {
    #[serde(flatten)]
    pub record: RunRecord,
    /// Each input file, in input order.
    pub inputs: Vec<InputDigest>,
}

/// An input file and the digest of its bytes.
#[derive(Debug, serde::Serialize)]
pub struct InputDigest {
    /// As given, or `<stdin>`.
    pub source: String,
    /// `sha256:` and the hex digest; `null` for NDJSON read from standard input, which is
    /// not kept whole.
    pub sha256: Option<String>,
}

impl InputDigest {
    /// The digest of a document's input file, read again from disk (a document that could
    /// not be loaded has no text to hash); standard input's text as it was read.
    pub fn of(source: &tenet_input::Source) -> InputDigest {
        // Only a regular file is read again (a FIFO or a device would block or never end),
        // and it is hashed as it is read, whatever its size.
        let from_disk = (source.name != "<stdin>")
            .then(|| {
                let mut file = tenet_input::open_regular(std::path::Path::new(&source.name)).ok()?;
                let mut hasher = Sha256::new();
                std::io::copy(&mut file, &mut hasher).ok()?;
                Some(format!("sha256:{}", hex(&hasher.finalize())))
            })
            .flatten();
        let sha256 = from_disk.or_else(|| {
            (source.format != tenet_input::Format::Ndjson && !source.text.is_empty()).then(|| digest(&source.text))
        });
        InputDigest { source: source.name.clone(), sha256 }
    }
}

/// The digest of one document as the log records it: its source text (the whole file for a
/// YAML stream, the line for NDJSON), or when it could not be loaded, its file's.
pub fn document_digest(source: &tenet_input::Source) -> Option<String> {
    if source.text.is_empty() { InputDigest::of(source).sha256 } else { Some(digest(&source.text)) }
}

/// A `sha256:` digest of text.
pub fn digest(text: &str) -> String {
    format!("sha256:{}", hex(&Sha256::digest(text.as_bytes())))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| text.get(i..i + 2).and_then(|b| u8::from_str_radix(b, 16).ok())).collect()
}

/// The key of an encrypted log: 32 bytes, written in its file as 64 hex digits.
pub struct LogKey(ChaCha20Poly1305);

impl LogKey {
    /// Reads a key file.
    pub fn read(path: &Path) -> Result<LogKey, String> {
        let shown = path.display();
        let text =
            std::fs::read_to_string(path).map_err(|e| format!("error: cannot read the key file `{shown}`: {e}"))?;
        unhex(text.trim())
            .filter(|bytes| bytes.len() == 32)
            .and_then(|bytes| ChaCha20Poly1305::new_from_slice(&bytes).ok())
            .map(LogKey)
            .ok_or_else(|| {
                format!(
                    "error: the key file `{shown}` does not hold a key\n\nhelp: a key is 32 random bytes written as 64 hex digits, e.g. made by `openssl rand -hex 32 > {shown}`"
                )
            })
    }

    /// Encrypts a payload, bound to its place in the chain (`aad`).
    fn seal(&self, payload: &Value, aad: &str) -> Result<Value, String> {
        let mut nonce = [0u8; 12];
        getrandom::fill(&mut nonce).map_err(|e| format!("error: no random nonce for the log: {e}"))?;
        let plain = serde_json::to_string(payload).unwrap_or_default();
        let sealed = self
            .0
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: plain.as_bytes(), aad: aad.as_bytes() })
            .map_err(|_| "error: the log entry could not be encrypted".to_string())?;
        Ok(json!({ "nonce": hex(&nonce), "ciphertext": hex(&sealed) }))
    }

    /// Decrypts a sealed payload; `None` with the wrong key or an altered entry.
    fn open(&self, sealed: &Value, aad: &str) -> Option<Value> {
        let nonce = unhex(sealed.get("nonce")?.as_str()?).filter(|n| n.len() == 12)?;
        let ciphertext = unhex(sealed.get("ciphertext")?.as_str()?)?;
        let plain =
            self.0.decrypt(Nonce::from_slice(&nonce), Payload { msg: &ciphertext, aad: aad.as_bytes() }).ok()?;
        serde_json::from_slice(&plain).ok()
    }
}

/// The hash of an entry: SHA-256 of its compact JSON (keys sorted) without `hash`.
fn entry_hash(entry: &Value) -> String {
    let mut without = entry.clone();
    if let Some(object) = without.as_object_mut() {
        object.remove("hash");
    }
    hex(&Sha256::digest(serde_json::to_string(&without).unwrap_or_default().as_bytes()))
}

/// An open log, appending after its last line.
pub struct Log {
    path: PathBuf,
    file: std::io::BufWriter<std::fs::File>,
    seq: u64,
    prev: String,
    run: Value,
    key: Option<LogKey>,
}

impl Log {
    /// Opens (or creates) the log, continuing the chain of its last line.
    pub fn open(path: &Path, run: &RunRecord, key: Option<LogKey>) -> Result<Log, String> {
        let shown = path.display();
        let (mut seq, mut prev) = (0, GENESIS.to_string());
        match std::fs::read_to_string(path) {
            Ok(text) => {
                if let Some(last) = text.lines().rev().find(|l| !l.trim().is_empty()) {
                    let entry: Value = serde_json::from_str(last)
                        .map_err(|e| format!("error: the last line of the log `{shown}` is not a log entry: {e}\n\nhelp: run `tenet log verify {shown}`"))?;
                    seq = entry.get("seq").and_then(Value::as_u64).unwrap_or(0);
                    prev = entry.get("hash").and_then(Value::as_str).unwrap_or(GENESIS).to_string();
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("error: cannot read the log `{shown}`: {e}")),
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| format!("error: cannot open the log `{shown}`: {e}"))?;
        Ok(Log {
            path: path.to_path_buf(),
            file: std::io::BufWriter::new(file),
            seq,
            prev,
            run: serde_json::to_value(run).unwrap_or_default(),
            key,
        })
    }

    /// Appends the entry of one evaluated document.
    pub fn append(&mut self, report: &DocumentReport, document_digest: Option<&str>) -> Result<(), String> {
        self.seq += 1;
        let outcomes: Vec<Value> = report
            .findings
            .iter()
            .map(|f| json!({ "obligation": f.obligation, "status": f.status.as_str() }))
            .collect();
        let payload = json!({
            "run": self.run,
            "document": {
                "source": report.source,
                "index": report.index,
                "id": report.id,
                "kind": report.kind,
                "sha256": document_digest,
                "evaluated": report.evaluated,
            },
            "outcomes": outcomes,
        });
        // Encrypted, the payload is bound to its place in the chain; the chain itself stays
        // in the clear, so anyone can verify it.
        let mut entry = match &self.key {
            Some(key) => json!({ "sealed": key.seal(&payload, &aad(self.seq, &self.prev))? }),
            None => payload,
        };
        if let Some(object) = entry.as_object_mut() {
            object.insert("seq".into(), json!(self.seq));
            object.insert("prev".into(), json!(self.prev));
        }
        let hash = entry_hash(&entry);
        if let Some(object) = entry.as_object_mut() {
            object.insert("hash".into(), Value::String(hash.clone()));
        }
        self.prev = hash;
        let line = serde_json::to_string(&entry).unwrap_or_default();
        writeln!(self.file, "{line}").map_err(|e| format!("error: cannot write the log `{}`: {e}", self.path.display()))
    }

    /// Flushes what was appended.
    pub fn finish(mut self) -> Result<(), String> {
        self.file.flush().map_err(|e| format!("error: cannot write the log `{}`: {e}", self.path.display()))
    }
}

/// The associated data of an encrypted entry: its place in the chain.
fn aad(seq: u64, prev: &str) -> String {
    format!("tenet-log:{seq}:{prev}")
}

/// Each entry's payload (`run`, `document`, `outcomes`), decrypted with the key when sealed.
pub fn show(text: &str, key: Option<&LogKey>) -> Result<Vec<Value>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let number = i + 1;
        let entry: Value =
            serde_json::from_str(line).map_err(|_| format!("error: line {number} is not a log entry"))?;
        let Some(sealed) = entry.get("sealed") else {
            let mut payload = entry.clone();
            if let Some(object) = payload.as_object_mut() {
                object.remove("hash");
                object.remove("prev");
            }
            out.push(payload);
            continue;
        };
        let Some(key) = key else {
            return Err(format!("error: line {number} is encrypted\n\nhelp: give the log's key with `--key KEYFILE`"));
        };
        let seq = entry.get("seq").and_then(Value::as_u64).unwrap_or(0);
        let prev = entry.get("prev").and_then(Value::as_str).unwrap_or_default();
        let mut payload = key.open(sealed, &aad(seq, prev)).ok_or_else(|| {
            format!("error: line {number} cannot be decrypted with this key (another key, or the line was altered)")
        })?;
        if let Some(object) = payload.as_object_mut() {
            object.insert("seq".into(), json!(seq));
        }
        out.push(payload);
    }
    Ok(out)
}

/// What is wrong at a line of a log.
#[derive(Debug, PartialEq, Eq)]
pub enum Tampering {
    /// Not a log entry at all.
    Unreadable { line: usize },
    /// Its content does not match its own hash, or the next line expects other content.
    Edited { line: usize },
    /// Entries are missing before this line.
    Removed { before_line: usize, count: u64 },
    /// This line was not written in this place by `tenet eval`.
    Inserted { line: usize },
    /// This line belongs elsewhere in the log.
    Moved { line: usize },
}

impl std::fmt::Display for Tampering {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Tampering::Unreadable { line } => write!(f, "line {line} is not a log entry"),
            Tampering::Edited { line } => write!(f, "line {line} was edited"),
            Tampering::Removed { before_line, count } => {
                write!(
                    f,
                    "{count} line{} removed before line {before_line}",
                    if *count == 1 { " was" } else { "s were" }
                )
            }
            Tampering::Inserted { line } => write!(f, "line {line} was inserted"),
            Tampering::Moved { line } => write!(f, "line {line} was moved (the lines are out of order)"),
        }
    }
}

/// Checks a log's chain; the first problem found, if any.
pub fn verify(text: &str) -> Result<usize, Tampering> {
    let lines: Vec<(usize, &str)> =
        text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()).map(|(i, l)| (i + 1, l)).collect();
    let mut entries = Vec::with_capacity(lines.len());
    for (number, line) in &lines {
        let entry: Value = serde_json::from_str(line).map_err(|_| Tampering::Unreadable { line: *number })?;
        let (Some(seq), Some(prev), Some(hash)) = (
            entry.get("seq").and_then(Value::as_u64),
            entry.get("prev").and_then(Value::as_str),
            entry.get("hash").and_then(Value::as_str),
        ) else {
            return Err(Tampering::Unreadable { line: *number });
        };
        entries.push((*number, seq, prev.to_string(), hash.to_string(), entry_hash(&entry)));
    }
    let seqs: Vec<u64> = entries.iter().map(|e| e.1).collect();
    let mut expected_prev = GENESIS.to_string();
    let mut expected_seq = 1;
    for (i, (number, seq, prev, hash, computed)) in entries.iter().enumerate() {
        if *seq == expected_seq && *prev == expected_prev {
            if hash != computed {
                return Err(Tampering::Edited { line: *number });
            }
        } else if *seq > expected_seq && seqs.iter().all(|s| *s != expected_seq) {
            return Err(Tampering::Removed { before_line: *number, count: seq - expected_seq });
        } else if *seq == expected_seq {
            // In its place by number, but the line before is not the one it was chained to:
            // that line was edited (with its own hash recomputed) or replaced.
            let before = i.checked_sub(1).and_then(|j| entries.get(j)).map_or(*number, |e| e.0);
            return Err(Tampering::Edited { line: before });
        } else if seqs.iter().filter(|s| **s == *seq).count() > 1 || hash != computed {
            // Of the lines with this number, the one the next line is not chained to (the
            // later, when neither is) was inserted.
            let chained = |k: usize| {
                let own = entries.get(k).map(|e| &e.3);
                entries.get(k + 1).is_some_and(|next| Some(&next.2) == own)
            };
            let same: Vec<usize> =
                (0..entries.len()).filter(|k| entries.get(*k).is_some_and(|e| e.1 == *seq)).collect();
            let inserted = same.iter().rev().find(|k| !chained(**k)).or(same.last()).copied().unwrap_or(i);
            let line = entries.get(inserted).map_or(*number, |e| e.0);
            return Err(Tampering::Inserted { line });
        } else {
            return Err(Tampering::Moved { line: *number });
        }
        expected_prev = hash.clone();
        expected_seq = seq + 1;
    }
    Ok(entries.len())
}

/// Arguments of `tenet log`.
#[derive(clap::Args, Debug)]
pub struct LogArgs {
    #[command(subcommand)]
    pub command: LogCommand,
}

/// `tenet log` subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum LogCommand {
    /// Check a decision log's hash chain: say which line was edited, removed, inserted or moved.
    Verify {
        /// The log written by `tenet eval --log FILE`.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Print each entry's run record, document and outcomes, one JSON object per line
    /// (decrypted with `--key` when the log is encrypted).
    Show {
        /// The log written by `tenet eval --log FILE`.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// The key file given to `tenet eval --log-key`.
        #[arg(long, value_name = "KEYFILE")]
        key: Option<PathBuf>,
    },
}

/// Runs `tenet log`.
pub fn run(args: &LogArgs) -> Exit {
    let read = |file: &Path| {
        std::fs::read_to_string(file).map_err(|e| eprintln!("error: cannot read the log `{}`: {e}", file.display()))
    };
    match &args.command {
        LogCommand::Show { file, key } => {
            let Ok(text) = read(file) else { return Exit::Input };
            let key = match key.as_deref().map(LogKey::read).transpose() {
                Ok(key) => key,
                Err(e) => {
                    eprintln!("{e}");
                    return Exit::Input;
                }
            };
            match show(&text, key.as_ref()) {
                Ok(entries) => {
                    for entry in entries {
                        println!("{}", serde_json::to_string(&entry).unwrap_or_default());
                    }
                    Exit::Clean
                }
                Err(e) => {
                    eprintln!("{e}");
                    Exit::Input
                }
            }
        }
        LogCommand::Verify { file } => {
            let Ok(text) = read(file) else { return Exit::Input };
            match verify(&text) {
                Ok(n) => {
                    println!("{}: {n} entr{}, chain intact", file.display(), if n == 1 { "y" } else { "ies" });
                    Exit::Clean
                }
                Err(t) => {
                    println!("{}: {t}", file.display());
                    Exit::Findings
                }
            }
        }
    }
}
