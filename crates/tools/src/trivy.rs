//! `trivy image`: the scan of one of the lab's images, in trivy's words and its box table
//! (`pkg/report/table`; the lab draws it as `aquasecurity/table` does, in its own code). It reads
//! image names as `docker` does (`crate::docker`).

use lab_engine::World;
use lab_engine::scan::{Advisory, Severity};

use crate::docker::{Flags, find, parse_source, print};
use crate::names::NAME;
use crate::words::shown;
use crate::{Output, Reply, suggest};

/// The columns of trivy's vulnerability table, in its order.
const VULNERABILITY_HEADINGS: [&str; 7] =
    ["Library", "Vulnerability", "Severity", "Status", "Installed Version", "Fixed Version", "Title"];

/// trivy's commands in the lab.
const TRIVY_COMMANDS: &[&str] = &["image"];
/// Real trivy commands the lab does not model.
const TRIVY_ELSEWHERE: &[&str] = &[
    "filesystem",
    "fs",
    "repository",
    "repo",
    "config",
    "kubernetes",
    "k8s",
    "sbom",
    "rootfs",
    "vm",
    "server",
    "clean",
];
/// trivy's severities, in the order its summary lists them.
const SEVERITY_NAMES: [&str; 5] = ["UNKNOWN", "LOW", "MEDIUM", "HIGH", "CRITICAL"];

const TRIVY_USAGE: &str = "Scanner for vulnerabilities in container images, file systems, and Git repositories, as well as for configuration issues and hard-coded secrets\n\nUsage:\n  trivy [global flags] command [flags] target\n  trivy [command]\n\nExamples:\n  # Scan a container image\n  $ trivy image web:v2\n\nScanning Commands in the lab:\n  image       Scan a container image\n\nUse \"trivy [command] --help\" for more information about a command.\n";
const TRIVY_IMAGE_USAGE: &str = "Scan a container image\n\nUsage:\n  trivy image [flags] IMAGE_NAME\n\nExamples:\n  # Scan a container image\n  $ trivy image web:v2\n\n  # Fail (exit code 1) on high and critical vulnerabilities\n  $ trivy image --severity HIGH,CRITICAL --exit-code 1 web:v2\n\nFlags in the lab:\n      --exit-code int     specify exit code when any security issues are found\n  -f, --format string     format (table)\n  -h, --help              help for image\n      --ignore-unfixed    display only fixed vulnerabilities\n  -q, --quiet             suppress progress bar and log output\n  -s, --severity strings  severities of security issues to be displayed (UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL)\n";

pub(crate) fn trivy(world: &World, words: &[&str]) -> Reply {
    match words {
        [] | ["help" | "--help" | "-h", ..] => print(TRIVY_USAGE),
        ["image" | "i", rest @ ..] => Reply::Print(scan(world, rest)),
        [command, ..] if TRIVY_ELSEWHERE.contains(command) => Reply::Print(Output::error(format!(
            "trivy {command}: not part of the lab; its trivy scans images: trivy image {NAME}:<tag>\n"
        ))),
        [flag, ..] if flag.starts_with('-') => Reply::Print(Output::error(format!(
            "Error: unknown flag: {}\nRun 'trivy --help' for usage.\n",
            shown(flag)
        ))),
        [command, ..] => {
            let hints = suggest::did_you_mean(command, TRIVY_COMMANDS);
            let gap = if hints.is_empty() { "" } else { "\n" };
            Reply::Print(Output::error(format!(
                "Error: unknown command \"{}\" for \"trivy\"\n{hints}{gap}Run 'trivy --help' for usage.\n",
                shown(command)
            )))
        }
    }
}

/// `trivy image <ref>`: the target's report.
fn scan(world: &World, words: &[&str]) -> Output {
    if words.iter().any(|w| matches!(*w, "--help" | "-h")) {
        return Output::ok(TRIVY_IMAGE_USAGE);
    }
    let flags = match Flags::read(
        words,
        &[
            ("severity", "-s"),
            ("severity", "--severity"),
            ("exit-code", "--exit-code"),
            ("format", "-f"),
            ("format", "--format"),
            ("timeout", "--timeout"),
            ("scanners", "--scanners"),
        ],
        &[
            ("quiet", "-q"),
            ("quiet", "--quiet"),
            ("no-progress", "--no-progress"),
            ("ignore-unfixed", "--ignore-unfixed"),
            ("skip-db-update", "--skip-db-update"),
        ],
    ) {
        Ok(flags) => flags,
        Err(error) => return Output::error(format!("Error: {error}\nRun 'trivy image --help' for usage.\n")),
    };
    if let Some(format) = flags.last("format").filter(|f| *f != "table") {
        return Output::error(format!(
            "FATAL  Fatal error  the lab's trivy prints the table format only (got \"{}\")\n",
            shown(format)
        ));
    }
    let shown_severities: Vec<usize> = match flags.last("severity") {
        None => (0..SEVERITY_NAMES.len()).collect(),
        Some(list) => {
            let mut picked = Vec::new();
            for name in list.split(',') {
                match SEVERITY_NAMES.iter().position(|s| s.eq_ignore_ascii_case(name.trim())) {
                    Some(index) => picked.push(index),
                    None => {
                        return Output::error(format!(
                            "FATAL  Fatal error  flag error: unknown severity option: {}\n",
                            shown(name)
                        ));
                    }
                }
            }
            picked
        }
    };
    let exit_code = match flags.last("exit-code").map(str::parse::<u8>) {
        None => 0,
        Some(Ok(code)) => code,
        Some(Err(_)) => {
            return Output::error(format!(
                "Error: invalid argument \"{}\" for \"--exit-code\" flag: strconv.ParseInt: parsing \"{}\": invalid syntax\n",
                shown(flags.last("exit-code").unwrap_or_default()),
                shown(flags.last("exit-code").unwrap_or_default())
            ));
        }
    };
    let typed = match flags.positional.as_slice() {
        [typed] => *typed,
        [] => return Output::error("Error: requires at least 1 arg(s), only received 0\n"),
        more => return Output::error(format!("Error: accepts 1 arg(s), received {}\n", more.len())),
    };
    let image = match parse_source(typed) {
        Ok(named) => find(world, &named),
        Err(_) => None,
    };
    let Some(image) = image else {
        return Output::error(format!(
            "FATAL  Fatal error  image scan error: unable to find the specified image \"{}\" in [\"docker\" \"containerd\" \"podman\" \"remote\"]\nhint: list the lab's images with 'docker image ls'\n",
            shown(typed)
        ));
    };
    let mut found: Vec<&Advisory> = world
        .supply_view()
        .advisories_of(image.digest)
        .into_iter()
        .filter(|advisory| shown_severities.contains(&severity_index(advisory.severity)))
        .collect();
    // trivy sorts by package, then the most severe first, then by id.
    found.sort_by(|a, b| {
        (a.package.as_str(), std::cmp::Reverse(a.severity), a.id.as_str()).cmp(&(
            b.package.as_str(),
            std::cmp::Reverse(b.severity),
            b.id.as_str(),
        ))
    });
    let mut counts = [0usize; 5];
    for advisory in &found {
        if let Some(count) = counts.get_mut(severity_index(advisory.severity)) {
            *count += 1;
        }
    }
    let summary: Vec<String> = (0..SEVERITY_NAMES.len())
        .filter(|index| shown_severities.contains(index))
        .map(|index| format!("{}: {}", SEVERITY_NAMES[index], counts[index]))
        .collect();
    let target = format!("{} ({})", shown(typed), os_name(&image.spec.base));
    let mut text = format!(
        "\n{target}\n{}\nTotal: {} ({})\n\n",
        "=".repeat(target.len()),
        found.len(),
        summary.join(", ")
    );
    if !found.is_empty() {
        let rows: Vec<Vec<String>> = found
            .iter()
            .map(|advisory| {
                let installed = image
                    .spec
                    .packages
                    .get(&advisory.package)
                    .cloned()
                    .or_else(|| {
                        image
                            .spec
                            .runtime
                            .as_ref()
                            .filter(|r| r.name == advisory.package)
                            .map(|r| r.version.clone())
                    })
                    .unwrap_or_default();
                vec![
                    advisory.package.clone(),
                    advisory.id.clone(),
                    SEVERITY_NAMES[severity_index(advisory.severity)].to_owned(),
                    "fixed".to_owned(),
                    installed,
                    advisory.fixed_in.clone(),
                    title(advisory),
                ]
            })
            .collect();
        text.push_str(&box_table(&VULNERABILITY_HEADINGS, &rows));
    }
    Output { text, failed: exit_code != 0 && !found.is_empty(), watch: None }
}

fn severity_index(severity: Severity) -> usize {
    match severity {
        Severity::Low => 1,
        Severity::Medium => 2,
        Severity::High => 3,
        Severity::Critical => 4,
    }
}

/// The OS trivy detects in an image of `base` (`ubuntu-22.04` → `ubuntu 22.04`).
fn os_name(base: &str) -> String {
    let (family, version) = base.split_once('-').unwrap_or((base, ""));
    let family = match family {
        "amazonlinux" => "amazon",
        "rhel" => "redhat",
        other => other,
    };
    if version.is_empty() { family.to_owned() } else { format!("{family} {version}") }
}

/// trivy's Title cell: at most twelve words (more are cut to twelve and `...`), and the
/// advisory's page on its own line.
fn title(advisory: &Advisory) -> String {
    let words: Vec<&str> = advisory.summary.split(' ').collect();
    let mut text =
        if words.len() >= 12 { format!("{}...", words[..12].join(" ")) } else { advisory.summary.clone() };
    if advisory.id.starts_with("CVE-") {
        text.push_str(&format!("\nhttps://avd.aquasec.com/nvd/{}", advisory.id.to_ascii_lowercase()));
    }
    text.trim().to_owned()
}

/// A box table that looks as `aquasecurity/table` draws trivy's (borders, a line between rows, equal cells merged down
/// a column, headers centred): cells are wrapped at 60 columns when the table would be wider than
/// the 80 columns it assumes off a terminal.
fn box_table(headers: &[&str], rows: &[Vec<String>]) -> String {
    const AVAILABLE: usize = 80;
    const WRAP: usize = 60;
    let width = |text: &str| text.chars().filter(|c| *c != '\n').count();
    let mut originals: Vec<Vec<String>> = vec![headers.iter().map(|h| (*h).to_owned()).collect()];
    originals.extend(rows.iter().cloned());
    let columns = originals.iter().map(Vec::len).max().unwrap_or(0);
    for row in &mut originals {
        row.resize(columns, String::new());
    }
    let widest = originals
        .iter()
        .map(|row| 1 + row.iter().map(|cell| width(cell) + 3).sum::<usize>())
        .max()
        .unwrap_or(0);
    let wrapping = AVAILABLE < widest;
    // Each cell's lines, every cell of a row as tall as the row.
    let mut cells: Vec<Vec<Vec<String>>> = originals
        .iter()
        .map(|row| {
            row.iter().map(|cell| wrap_text(cell, if wrapping { WRAP } else { width(cell) })).collect()
        })
        .collect();
    for row in &mut cells {
        let height = row.iter().map(Vec::len).max().unwrap_or(1);
        for cell in row.iter_mut() {
            cell.resize(height, String::new());
        }
    }
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            cells
                .iter()
                .filter_map(|row| row.get(c))
                .flatten()
                .map(|line| line.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    // A data cell equal to the one above it (not the first row under the header) is merged.
    let merged: Vec<Vec<bool>> = originals
        .iter()
        .enumerate()
        .map(|(r, row)| {
            row.iter()
                .enumerate()
                .map(|(c, cell)| {
                    r >= 2
                        && !cell.trim().is_empty()
                        && originals.get(r - 1).and_then(|above| above.get(c)) == Some(cell)
                })
                .collect()
        })
        .collect();
    let rule = |r: usize| -> String {
        let mut line = String::new();
        for (c, &w) in widths.iter().enumerate() {
            let here = merged.get(r).and_then(|m| m.get(c)).copied().unwrap_or(false);
            let left_merged = c > 0 && merged.get(r).and_then(|m| m.get(c - 1)).copied().unwrap_or(false);
            line.push_str(match (r, c) {
                (0, 0) => "┌",
                (0, _) => "┬",
                (_, 0) if here => "│",
                (_, 0) => "├",
                _ if here && left_merged => "│",
                _ if here => "┤",
                _ if left_merged => "├",
                _ => "┼",
            });
            line.push_str(&(if here { " " } else { "─" }).repeat(w + 2));
            if c + 1 == widths.len() {
                line.push_str(match r {
                    0 => "┐",
                    _ if here => "│",
                    _ => "┤",
                });
            }
        }
        line.push('\n');
        line
    };
    let mut text = String::new();
    for (r, row) in cells.iter().enumerate() {
        text.push_str(&rule(r));
        let height = row.first().map_or(0, Vec::len);
        for y in 0..height {
            text.push('│');
            for (c, cell) in row.iter().enumerate() {
                let w = widths.get(c).copied().unwrap_or(0);
                let line = cell.get(y).map_or("", String::as_str);
                let pad = w.saturating_sub(line.chars().count());
                text.push(' ');
                if merged.get(r).and_then(|m| m.get(c)).copied().unwrap_or(false) {
                    text.push_str(&" ".repeat(w));
                } else if r == 0 {
                    text.push_str(&" ".repeat(pad / 2));
                    text.push_str(line);
                    text.push_str(&" ".repeat(pad - pad / 2));
                } else {
                    text.push_str(line);
                    text.push_str(&" ".repeat(pad));
                }
                text.push_str(" │");
            }
            text.push('\n');
        }
    }
    text.push('└');
    let bottom: Vec<String> = widths.iter().map(|w| "─".repeat(w + 2)).collect();
    text.push_str(&bottom.join("┴"));
    text.push_str("┘\n");
    text
}

/// `aquasecurity/table`'s `wrapText`: words packed onto lines of `size` columns, a word longer
/// than a line cut with a `-`, and the text's own line breaks kept.
fn wrap_text(input: &str, size: usize) -> Vec<String> {
    // Below two columns a cut word would never shrink.
    let size = size.max(2);
    // `None` marks a line break in the text.
    let mut words: Vec<Option<String>> = Vec::new();
    for line in input.split('\n') {
        if !words.is_empty() {
            words.push(None);
        }
        for word in line.trim().split(' ').map(str::trim).filter(|w| !w.is_empty()) {
            let mut chars: Vec<char> = word.chars().collect();
            while chars.len() > size {
                let rest = chars.split_off(size - 1);
                let mut cut: String = chars.iter().collect();
                cut.push('-');
                words.push(Some(cut));
                chars = rest;
            }
            if !chars.is_empty() {
                words.push(Some(chars.iter().collect()));
            }
        }
    }
    let mut output = Vec::new();
    let mut current = String::new();
    for word in words {
        let Some(word) = word else {
            output.push(current.trim().to_owned());
            current.clear();
            continue;
        };
        let (used, length) = (current.chars().count(), word.chars().count());
        if used == size || used + length > size {
            output.push(current.trim().to_owned());
            current = word;
            if length < size {
                current.push(' ');
            }
        } else if used + length == size {
            current.push_str(&word);
        } else {
            current.push_str(&word);
            current.push(' ');
        }
    }
    if !current.is_empty() {
        output.push(current.trim().to_owned());
    }
    if output.is_empty() {
        output.push(String::new());
    }
    output
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_as_aquasecurity_table_does() {
        assert_eq!(wrap_text("foobar", 60), ["foobar"]);
        assert_eq!(wrap_text("a b\nhttps://x", 60), ["a b", "https://x"]);
        assert_eq!(wrap_text("aaaa bbbb cccc", 9), ["aaaa bbbb", "cccc"]);
        assert_eq!(wrap_text("abcdefghij", 4), ["abc-", "def-", "ghij"]);
        assert_eq!(wrap_text("", 0), [""]);
    }

    #[test]
    fn draws_trivys_test_table() {
        // pkg/report/table/vulnerability_test.go
        let table = box_table(
            &VULNERABILITY_HEADINGS,
            &[vec![
                "foo".into(),
                "CVE-2020-0001".into(),
                "HIGH".into(),
                "fixed".into(),
                "1.2.3".into(),
                "3.4.5".into(),
                "foobar".into(),
            ]],
        );
        assert_eq!(
            table,
            "┌─────────┬───────────────┬──────────┬────────┬───────────────────┬───────────────┬────────┐\n\
             │ Library │ Vulnerability │ Severity │ Status │ Installed Version │ Fixed Version │ Title  │\n\
             ├─────────┼───────────────┼──────────┼────────┼───────────────────┼───────────────┼────────┤\n\
             │ foo     │ CVE-2020-0001 │ HIGH     │ fixed  │ 1.2.3             │ 3.4.5         │ foobar │\n\
             └─────────┴───────────────┴──────────┴────────┴───────────────────┴───────────────┴────────┘\n"
        );
    }

    #[test]
    fn merges_equal_cells_down_a_column() {
        let row = |lib: &str, id: &str| vec![lib.to_owned(), id.to_owned()];
        let table = box_table(&["A", "B"], &[row("x", "1"), row("x", "2"), row("y", "2")]);
        assert_eq!(
            table,
            "┌───┬───┐\n│ A │ B │\n├───┼───┤\n│ x │ 1 │\n│   ├───┤\n│   │ 2 │\n├───┤   │\n│ y │   │\n└───┴───┘\n"
        );
    }
}
