//! Reading files and standard input into [`Source`]s.

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use crate::source::BOM;
use crate::{Format, InputPath, Limits, LoadError, Source};

/// Read a file, or standard input for `-`, into a [`Source`].
///
/// The format comes from the file's extension (an unknown extension is an error) or, for
/// standard input, from [`Format::sniff`]. Enforces [`Limits::max_bytes`], rejects invalid
/// UTF-8 with the line and column of the first bad byte, and drops a leading byte-order mark.
pub fn read_source(path: &Path, limits: &Limits) -> Result<Source, LoadError> {
    read_source_as(path, None, limits)
}

/// Like [`read_source`], but with the format given by the caller when it is `Some`.
pub fn read_source_as(path: &Path, format: Option<Format>, limits: &Limits) -> Result<Source, LoadError> {
    if path.as_os_str() == "-" {
        return read_stdin(format, limits);
    }
    let name = path.display().to_string();
    let format = match format.or_else(|| Format::from_path(path)) {
        Some(format) => format,
        None => return Err(LoadError::unknown_extension(&name)),
    };
    let io_error = |error| LoadError::Io { file: name.clone(), error };
    let file = open_regular(path)?;
    let size = file.metadata().map_err(io_error)?.len();
    if size > limits.max_bytes as u64 {
        return Err(LoadError::TooLarge { file: name, size: format!("{size} bytes"), limit: limits.max_bytes });
    }
    let bytes = read_at_most(file, limits.max_bytes).map_err(io_error)?;
    if bytes.len() > limits.max_bytes {
        // The file grew while we read it.
        return Err(LoadError::TooLarge {
            file: name,
            size: format!("at least {} bytes", limits.max_bytes.saturating_add(1)),
            limit: limits.max_bytes,
        });
    }
    decode(name, bytes, |_| format)
}

/// Opens `path` for reading if it is a regular file (or a link to one). A FIFO with no writer,
/// a terminal or `/dev/zero` would block or never end, so anything else is
/// [`LoadError::NotAFile`]: checked before opening, and again on what was opened, which is
/// opened without blocking in case the path changed in between.
pub fn open_regular(path: &Path) -> Result<File, LoadError> {
    let name = || path.display().to_string();
    let io_error = |error| LoadError::Io { file: name(), error };
    let metadata = std::fs::metadata(path).map_err(io_error)?;
    if let Some(what) = not_regular(&metadata) {
        return Err(LoadError::NotAFile { file: name(), what });
    }
    let file = open_without_blocking(path).map_err(io_error)?;
    let metadata = file.metadata().map_err(io_error)?;
    if let Some(what) = not_regular(&metadata) {
        return Err(LoadError::NotAFile { file: name(), what });
    }
    Ok(file)
}

/// What a path that is not a regular file is, in words; `None` for a regular file.
fn not_regular(metadata: &std::fs::Metadata) -> Option<&'static str> {
    let kind = metadata.file_type();
    if kind.is_file() {
        return None;
    }
    if kind.is_dir() {
        return Some("a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if kind.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if kind.is_char_device() {
            return Some("a character device");
        }
        if kind.is_block_device() {
            return Some("a block device");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
    }
    Some("a special file")
}

/// Opens `path` for reading; on Unix without blocking (a FIFO swapped in after the check
/// would otherwise block the open itself).
fn open_without_blocking(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

/// Read one collected input.
pub fn read_input(input: &InputPath, limits: &Limits) -> Result<Source, LoadError> {
    match input {
        InputPath::Stdin => read_stdin(None, limits),
        InputPath::File { path, format } => read_source_as(path, Some(*format), limits),
    }
}

fn read_stdin(format: Option<Format>, limits: &Limits) -> Result<Source, LoadError> {
    let name = Source::STDIN_NAME.to_owned();
    let bytes = read_at_most(std::io::stdin().lock(), limits.max_bytes)
        .map_err(|error| LoadError::Io { file: name.clone(), error })?;
    if bytes.len() > limits.max_bytes {
        return Err(LoadError::TooLarge {
            file: name,
            size: format!("at least {} bytes", limits.max_bytes.saturating_add(1)),
            limit: limits.max_bytes,
        });
    }
    decode(name, bytes, |text| format.unwrap_or_else(|| Format::sniff(text)))
}

/// Read up to `limit + 1` bytes, so that a too-large input is noticed without reading it all.
fn read_at_most(reader: impl Read, limit: usize) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader.take(u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1)).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Turn bytes into a source, checking UTF-8 (the source drops a leading byte-order mark).
pub(crate) fn decode(name: String, bytes: Vec<u8>, format: impl FnOnce(&str) -> Format) -> Result<Source, LoadError> {
    match String::from_utf8(bytes) {
        Ok(text) => {
            let format = format(&text);
            Ok(Source::from_parts(name, Arc::from(text), format))
        }
        Err(error) => {
            // Positions in the source's text, which has no byte-order mark.
            let bom = if error.as_bytes().starts_with(BOM.as_bytes()) { BOM.len() } else { 0 };
            let bad = error.utf8_error().valid_up_to().saturating_sub(bom);
            // Everything before the first bad byte is unchanged by the lossy conversion, and
            // the bad sequence becomes one replacement char there.
            let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
            let src = Arc::new(Source::from_parts(name.clone(), Arc::from(text), Format::Yaml));
            let (line, column) = src.line_col(bad);
            Err(LoadError::Utf8 { src, file: name, line, column, span: (bad..bad + '\u{fffd}'.len_utf8()).into() })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_names_line_and_column() {
        let bytes = b"a: 1\nb: \"x\xff\"\n".to_vec();
        let error = decode("t.yaml".into(), bytes, |_| Format::Yaml).err();
        assert_eq!(error.as_ref().and_then(LoadError::line_col), Some((2, 6)));
        assert_eq!(
            error.map(|error| error.to_string()).as_deref(),
            Some("`t.yaml` is not valid utf-8: invalid byte at 2:6")
        );
    }

    #[cfg(unix)]
    #[test]
    fn special_files_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.yaml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
        let error = read_source(&fifo, &Limits::default()).err();
        assert!(matches!(error, Some(LoadError::NotAFile { what: "a FIFO (named pipe)", .. })), "{error:?}");
        let link = dir.path().join("stdin.yaml");
        std::os::unix::fs::symlink("/dev/null", &link).unwrap();
        let error = read_source(&link, &Limits::default()).err();
        assert!(matches!(error, Some(LoadError::NotAFile { what: "a character device", .. })), "{error:?}");
        assert_eq!(
            error.map(|e| e.to_string()).as_deref(),
            Some(format!("`{}` is a character device, not a regular file", link.display()).as_str())
        );
    }

    #[test]
    fn bom_is_dropped() -> Result<(), LoadError> {
        let source = decode("t.json".into(), b"\xef\xbb\xbf{}".to_vec(), |_| Format::Json)?;
        assert_eq!(&*source.text, "{}");
        // Only one: a second mark is text, for the parser to refuse.
        let source = decode("t.json".into(), b"\xef\xbb\xbf\xef\xbb\xbf{}".to_vec(), |_| Format::Json)?;
        assert_eq!(&*source.text, "\u{feff}{}");
        Ok(())
    }

    #[test]
    fn an_invalid_byte_after_a_bom_is_located_in_the_text_without_it() {
        let result = decode("t.yaml".into(), b"\xef\xbb\xbfa: \xff\n".to_vec(), |_| Format::Yaml);
        match result {
            Err(LoadError::Utf8 { line, column, span, .. }) => {
                assert_eq!((line, column, span.offset()), (1, 4, 3));
            }
            other => panic!("expected a UTF-8 error, got {other:?}"),
        }
    }
}
