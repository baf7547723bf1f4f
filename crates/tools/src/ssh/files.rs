//! What a command does to the files and settings on a server: `sed -i` and `echo >>` on the app's
//! configuration, a crontab or a kernel parameter, `cat`, `sysctl -w`, an editor (refused: no
//! terminal), and data written to the local disk (`dd`, `fallocate`), read as the changes they
//! would leave.

use lab_engine::drift::{DriftChange, LOCAL_DATA_MB_MAX};

use super::{APP_HOME, Remote, Session, checked};
use crate::words::shown;

/// Where a file lies, for what editing it changes.
enum FileKind {
    /// `/etc/sysctl.conf`, `/etc/sysctl.d/*`: kernel parameters.
    Sysctl,
    /// `/etc/crontab`, `/etc/cron.d/*`: cron jobs.
    Cron,
    /// A file of the application, by its path under the application's directory.
    App(String),
    /// Any other file under `/etc`, or the application's `.env`: configuration values.
    Config,
    /// Anywhere else.
    Other,
}

fn file_kind(path: &str) -> FileKind {
    if path == "/etc/sysctl.conf" || path.starts_with("/etc/sysctl.d/") {
        FileKind::Sysctl
    } else if path == "/etc/crontab"
        || path.starts_with("/etc/cron.d/")
        || path.starts_with("/var/spool/cron/")
    {
        FileKind::Cron
    } else if let Some(relative) = path.strip_prefix(APP_HOME).filter(|r| !r.is_empty()) {
        if relative == ".env" { FileKind::Config } else { FileKind::App(relative.to_owned()) }
    } else if path.starts_with("/etc/") {
        FileKind::Config
    } else {
        FileKind::Other
    }
}

impl Session<'_> {
    /// `sed -i 's/…/…/' <file>`: a setting changed in place.
    pub(super) fn sed(&self, args: &[&str]) -> Remote {
        let mut in_place = false;
        let mut expression = None;
        let mut files = Vec::new();
        let mut rest = args.iter();
        while let Some(&arg) = rest.next() {
            if arg == "-e" || arg == "--expression" {
                expression = rest.next().copied();
            } else if arg.starts_with("-i") || arg.starts_with("--in-place") {
                in_place = true;
            } else if arg.starts_with('-') {
                continue;
            } else if expression.is_none() {
                expression = Some(arg);
            } else {
                files.push(arg);
            }
        }
        let (Some(expression), [file]) = (expression, files.as_slice()) else {
            return Remote::Refused("lab: the lab's sed edits one file in place: ".to_owned());
        };
        if !in_place {
            return Remote::Refused("lab: without -i, sed only prints the file; ".to_owned());
        }
        let Some((pattern, replacement)) = substitution(expression) else {
            return Remote::Refused(format!(
                "lab: the lab's sed knows s/<old>/<new>/ only (got `{}`); ",
                shown(expression)
            ));
        };
        let change = match file_kind(file) {
            FileKind::Sysctl => {
                setting(&replacement).map(|(key, value)| DriftChange::KernelParam { key, value })
            }
            FileKind::Config => setting(&replacement)
                .or_else(|| self.config_holding(&pattern, &replacement))
                .map(|(key, value)| DriftChange::HotfixConfig { key, value }),
            FileKind::App(path) => Some(DriftChange::EditAppFile { path }),
            FileKind::Cron | FileKind::Other => None,
        };
        match change {
            Some(change) => checked(change, String::new()),
            None => Remote::Refused(format!(
                "lab: the lab cannot tell which setting `{}` changes in {}; write the whole line, as in s/^LOG_LEVEL=.*/LOG_LEVEL=debug/; ",
                shown(expression),
                shown(file)
            )),
        }
    }

    /// The configuration key whose value is `old` (for `s/info/debug/`).
    fn config_holding(&self, old: &str, new: &str) -> Option<(String, String)> {
        let old = old.trim_start_matches('^').trim_end_matches('$');
        self.state.files.iter().find_map(|(path, value)| {
            path.strip_prefix("config/").filter(|_| value == old).map(|key| (key.to_owned(), new.to_owned()))
        })
    }

    /// `echo <text> >> <file>`, `echo <text> | tee -a <file>`, `echo <line> | crontab -`.
    pub(super) fn echo(&self, args: &[&str]) -> Remote {
        let split = args.iter().position(|a| *a == "|" || a.starts_with('>'));
        let content_words: Vec<&str> = args[..split.unwrap_or(args.len())]
            .iter()
            .copied()
            .filter(|a| !matches!(*a, "-e" | "-n"))
            .collect();
        let content = content_words.join(" ");
        let Some(at) = split else {
            return Remote::Read(format!("{content}\n"));
        };
        let after = &args[at..];
        let (target, printed) = match after {
            [redirect, file, ..] if *redirect == ">>" || *redirect == ">" => (Some(*file), String::new()),
            [glued, ..] if glued.starts_with('>') && !glued.trim_start_matches('>').is_empty() => {
                (Some(glued.trim_start_matches('>')), String::new())
            }
            ["|", pipe @ ..] => {
                let pipe: Vec<&str> = pipe.iter().copied().filter(|w| *w != "sudo").collect();
                match pipe.as_slice() {
                    ["crontab", "-"] => {
                        return checked(DriftChange::AddCron { line: content }, String::new());
                    }
                    ["tee", rest @ ..] => {
                        (rest.iter().copied().find(|w| !w.starts_with('-')), format!("{content}\n"))
                    }
                    _ => (None, String::new()),
                }
            }
            _ => (None, String::new()),
        };
        let Some(file) = target else {
            return Remote::Refused(
                "lab: the lab's echo writes to a file (>> /etc/web/env) or to crontab; ".to_owned(),
            );
        };
        let change = match file_kind(file) {
            FileKind::Cron => Some(DriftChange::AddCron { line: content.clone() }),
            FileKind::Sysctl => setting(&content).map(|(key, value)| DriftChange::KernelParam { key, value }),
            FileKind::Config => {
                setting(&content).map(|(key, value)| DriftChange::HotfixConfig { key, value })
            }
            FileKind::App(path) => Some(DriftChange::EditAppFile { path }),
            FileKind::Other => None,
        };
        match change {
            Some(change) => checked(change, printed),
            None => Remote::Refused(format!(
                "lab: the lab does not model writing `{}` to {}; ",
                shown(&content),
                shown(file)
            )),
        }
    }

    /// `cat /etc/web/env`: the configuration values on the instance.
    pub(super) fn cat(&self, args: &[&str]) -> Remote {
        match args {
            [file] if matches!(file_kind(file), FileKind::Config) => Remote::Read(
                self.state
                    .files
                    .iter()
                    .filter_map(|(path, value)| {
                        path.strip_prefix("config/").map(|key| format!("{key}={value}\n"))
                    })
                    .collect(),
            ),
            [file] if matches!(file_kind(file), FileKind::Sysctl) => Remote::Read(
                self.state.kernel.iter().map(|(key, value)| format!("{key} = {value}\n")).collect(),
            ),
            [file, ..] => Remote::Refused(format!("cat: {}: No such file or directory\nlab: ", shown(file))),
            [] => Remote::Refused("lab: cat needs a file; ".to_owned()),
        }
    }
}

/// `sysctl -w key=value` (or `sysctl key=value`).
pub(super) fn sysctl(args: &[&str]) -> Remote {
    let settings: Vec<&str> = args.iter().copied().filter(|a| !a.starts_with('-')).collect();
    match settings.as_slice() {
        [one] => match setting(one) {
            Some((key, value)) => {
                let printed = format!("{key} = {value}\n");
                checked(DriftChange::KernelParam { key, value }, printed)
            }
            None => {
                Remote::Refused("lab: the lab's sysctl sets a parameter: sysctl -w key=value; ".to_owned())
            }
        },
        _ => Remote::Refused("lab: the lab's sysctl sets one parameter: sysctl -w key=value; ".to_owned()),
    }
}

/// `vi <file>`: an application file edited in place; configuration is edited with sed.
pub(super) fn edit(program: &str, args: &[&str]) -> Remote {
    match args.iter().copied().find(|a| !a.starts_with('-') && !a.starts_with('+')).map(file_kind) {
        Some(FileKind::App(path)) => checked(DriftChange::EditAppFile { path }, String::new()),
        _ => Remote::Refused(format!(
            "lab: the lab's terminal cannot run {program} here; edit a setting with sed (or an application file under {APP_HOME}); "
        )),
    }
}

/// `dd if=/dev/zero of=<file> bs=1M count=<n>`: data written to the instance's own disk.
pub(super) fn local_data_dd(args: &[&str]) -> Remote {
    let operand =
        |name: &str| args.iter().find_map(|a| a.strip_prefix(name).and_then(|a| a.strip_prefix('=')));
    let count = operand("count").and_then(|c| c.parse::<u64>().ok());
    let block = operand("bs").map_or(Some(512), bytes_of);
    let target = operand("of").filter(|of| *of != "/dev/null");
    let (Some(count), Some(block), Some(_)) = (count, block, target) else {
        return Remote::Refused(
            "lab: the lab's dd writes data to disk: dd if=/dev/zero of=/var/lib/web/cache bs=1M count=500; "
                .to_owned(),
        );
    };
    let Some(bytes) = count.checked_mul(block) else {
        return Remote::Refused("dd: the disk is not that large\nlab: ".to_owned());
    };
    let printed = format!("{count}+0 records in\n{count}+0 records out\n{bytes} bytes copied\n");
    local_data(bytes, printed)
}

/// `fallocate -l 500M <file>`.
pub(super) fn local_data_fallocate(args: &[&str]) -> Remote {
    let length =
        args.iter().position(|a| *a == "-l").and_then(|at| args.get(at + 1)).and_then(|size| bytes_of(size));
    match length {
        Some(bytes) => local_data(bytes, String::new()),
        None => Remote::Refused(
            "lab: the lab's fallocate takes -l <size>, e.g. fallocate -l 500M /var/lib/web/cache; "
                .to_owned(),
        ),
    }
}

/// `bytes` written to local disk, in the engine's whole megabytes.
fn local_data(bytes: u64, printed: String) -> Remote {
    let mb = bytes.div_ceil(1_000_000);
    match u32::try_from(mb) {
        Ok(mb) if (1..=LOCAL_DATA_MB_MAX).contains(&mb) => {
            Remote::Change(vec![DriftChange::WriteLocalData { mb }], printed)
        }
        _ => Remote::Refused(format!("lab: the lab's disks take 1 to {LOCAL_DATA_MB_MAX} MB at a time; ")),
    }
}

/// `512`, `4K`, `1M`, `1MB`, `2G`: a size as dd and fallocate read it (`K`, `M`, `G` are powers of
/// 1024, `KB`, `MB`, `GB` of 1000).
fn bytes_of(text: &str) -> Option<u64> {
    let digits = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let number: u64 = text.get(..digits)?.parse().ok()?;
    let unit: u64 = match text.get(digits..)? {
        "" | "c" => 1,
        "K" | "k" | "KiB" => 1 << 10,
        "KB" | "kB" => 1_000,
        "M" | "MiB" => 1 << 20,
        "MB" => 1_000_000,
        "G" | "GiB" => 1 << 30,
        "GB" => 1_000_000_000,
        _ => return None,
    };
    number.checked_mul(unit)
}

/// `KEY=value` (or `key = value`, or `export KEY="value"`): a setting's key and value.
fn setting(text: &str) -> Option<(String, String)> {
    let text = text.trim().trim_start_matches('^').trim_start_matches("export ");
    let (key, value) = text.split_once('=')?;
    let key = key.trim();
    let value = value.trim().trim_end_matches('$');
    let value = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(value);
    let key_ok = key.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    (key_ok && !value.is_empty() && !value.contains(".*")).then(|| (key.to_owned(), value.to_owned()))
}

/// `s<d>old<d>new<d>[flags]` with any delimiter.
fn substitution(expression: &str) -> Option<(String, String)> {
    let mut chars = expression.chars();
    if chars.next()? != 's' {
        return None;
    }
    let delimiter = chars.next()?;
    let rest: String = chars.collect();
    let mut parts = rest.split(delimiter);
    let (old, new) = (parts.next()?, parts.next()?);
    parts.next()?;
    Some((old.to_owned(), new.to_owned()))
}

/// An environment assignment before a command (`DEBIAN_FRONTEND=noninteractive`).
pub(super) fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty() && name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_settings_and_sizes() {
        assert_eq!(setting("LOG_LEVEL=debug"), Some(("LOG_LEVEL".into(), "debug".into())));
        assert_eq!(setting("^LOG_LEVEL=.*"), None);
        assert_eq!(setting("vm.overcommit_memory = 2"), Some(("vm.overcommit_memory".into(), "2".into())));
        assert_eq!(
            substitution("s/^LOG_LEVEL=.*/LOG_LEVEL=debug/"),
            Some(("^LOG_LEVEL=.*".into(), "LOG_LEVEL=debug".into()))
        );
        assert_eq!(substitution("s|a|b|g"), Some(("a".into(), "b".into())));
        assert_eq!(substitution("s/a/b"), None);
        assert_eq!(bytes_of("1M"), Some(1 << 20));
        assert_eq!(bytes_of("500MB"), Some(500_000_000));
        assert_eq!(bytes_of("x"), None);
        assert_eq!(bytes_of("99999999999999999999G"), None);
    }
}
