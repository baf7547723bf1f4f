//! The lab's output against the real tools' formats. Each checker encodes one tool's format rules
//! (from its source, docs/reference/tool-formats.md) and is first run on the tool's own expected
//! output quoted there, so a checker that drifts from the real format fails on the reference;
//! then it is run on the lab's output for a rolling update, a recreate, a canary with analysis, a
//! blue-green and an instance refresh at several ticks. Names, ids, times and ages differ by
//! nature; everything else must match.

use lab_engine::{Playback, Scenario, World};
use lab_tools::Reply;

const REFERENCE: &str = include_str!("../../../docs/reference/tool-formats.md");

/// The `n`th fenced block after the line containing `marker` in the reference.
fn reference_block(marker: &str) -> String {
    let start = REFERENCE.find(marker).unwrap_or_else(|| panic!("no {marker:?} in the reference"));
    let rest = &REFERENCE[start..];
    let open = rest.find("```\n").expect("a block follows") + 4;
    let close = rest[open..].find("```").expect("the block ends") + open;
    rest[open..close].to_owned()
}

/// A built-in scenario played `ticks` ticks.
fn world_at(name: &str, ticks: u64) -> World {
    let text = lab_engine::builtin::scenario(name).unwrap_or_else(|| panic!("no scenario {name}"));
    let scenario = Scenario::from_json(text).unwrap();
    let mut world = World::new(&scenario);
    let mut playback = Playback::new(&scenario);
    for _ in 0..ticks {
        playback.step(&mut world);
    }
    world
}

fn printed(world: &World, line: &str) -> String {
    match lab_tools::run(world, line) {
        Reply::Print(output) => {
            assert!(!output.failed, "{line} failed:\n{}", output.text);
            output.text
        }
        Reply::Act(act) => panic!("{line} wants to act: {act:?}"),
    }
}

/// kubectl's AGE cells (`duration.HumanDuration`): `45s`, `2m1s`, `3h`, `2d1h`, `9y`.
fn is_age(cell: &str) -> bool {
    let units: Vec<(u64, char)> = {
        let mut out = Vec::new();
        let mut number = String::new();
        for c in cell.chars() {
            if c.is_ascii_digit() {
                number.push(c);
            } else {
                let Ok(value) = number.parse() else { return false };
                out.push((value, c));
                number.clear();
            }
        }
        if !number.is_empty() {
            return false;
        }
        out
    };
    matches!(
        units.as_slice(),
        [(_, 's' | 'm' | 'h' | 'd' | 'y')]
            | [(_, 'm'), (_, 's')]
            | [(_, 'h'), (_, 'm')]
            | [(_, 'd'), (_, 'h')]
            | [(_, 'y'), (_, 'd')]
    )
}

/// Column start offsets (in characters) of a table line whose cells are separated by 2+ spaces.
fn cells(line: &str) -> Vec<(usize, String)> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    let mut index = 0;
    while index < chars.len() {
        if chars[index] == ' ' {
            index += 1;
            continue;
        }
        let start = index;
        // A cell runs until two spaces in a row (cells themselves hold single spaces, as
        // `1 (5m ago)` or `✔ Running` do).
        while index < chars.len() && !(chars[index] == ' ' && chars.get(index + 1).is_none_or(|c| *c == ' '))
        {
            index += 1;
        }
        out.push((start, chars[start..index].iter().collect()));
    }
    out
}

/// kubectl's `get` tables: per kind section (blank line between), a header of known columns and
/// rows whose cells start where the header's do; each column is the widest cell of the one before
/// plus 3 spaces, at least 6 (tabwriter minwidth 6, padding 3).
fn check_get_tables(text: &str) {
    const HEADERS: &[&str] = &[
        "NAME READY UP-TO-DATE AVAILABLE AGE",
        "NAME DESIRED CURRENT READY AGE",
        "NAME READY STATUS RESTARTS AGE",
        "NAME AGE",
    ];
    for section in text.trim_end().split("\n\n") {
        let lines: Vec<&str> = section.lines().collect();
        let header = cells(lines[0]);
        let names: Vec<&str> = header.iter().map(|(_, n)| n.as_str()).collect();
        assert!(HEADERS.contains(&names.join(" ").as_str()), "unknown header {:?}\n{text}", lines[0]);
        let rows: Vec<Vec<(usize, String)>> = lines[1..].iter().map(|line| cells(line)).collect();
        for (column, (start, name)) in header.iter().enumerate().skip(1) {
            let widest = std::iter::once(header[column - 1].1.chars().count())
                .chain(rows.iter().map(|row| row[column - 1].1.chars().count()))
                .max()
                .unwrap_or(0);
            let previous = header[column - 1].0;
            assert_eq!(*start, previous + (widest + 3).max(6), "column {name} misplaced:\n{section}");
            for row in &rows {
                assert_eq!(row.len(), header.len(), "row with missing cells:\n{section}");
                assert_eq!(row[column].0, *start, "cell under {name} misplaced:\n{section}");
            }
        }
        for row in &rows {
            let age = &row.last().expect("cells").1;
            assert!(is_age(age) || age == "<unknown>", "AGE {age:?} is not kubectl's format");
            for (index, name) in names.iter().enumerate() {
                let cell = &row[index].1;
                match *name {
                    "READY" if names.contains(&"STATUS") || names.contains(&"UP-TO-DATE") => {
                        let (ready, total) = cell.split_once('/').expect("READY is ready/total");
                        assert!(ready.parse::<u32>().is_ok() && total.parse::<u32>().is_ok(), "{cell}");
                    }
                    "STATUS" => assert!(
                        ["Running", "Pending", "ContainerCreating", "Terminating", "ImagePullBackOff"]
                            .contains(&cell.as_str()),
                        "{cell}"
                    ),
                    "DESIRED" | "CURRENT" | "UP-TO-DATE" | "AVAILABLE" | "RESTARTS" => {
                        assert!(cell.parse::<u32>().is_ok(), "{name} {cell}")
                    }
                    _ => {}
                }
            }
        }
    }
}

/// The five answers of `kubectl rollout status` (`DeploymentStatusViewer.Status`).
fn check_rollout_status(line: &str) {
    let numbers = |text: &str| text.split(' ').filter_map(|w| w.parse::<u32>().ok()).count();
    let waiting = line
        .strip_prefix("Waiting for deployment \"web\" rollout to finish: ")
        .and_then(|l| l.strip_suffix("...\n"));
    let ok = match waiting {
        Some(rest) => {
            (rest.ends_with(" new replicas have been updated")
                && rest.contains(" out of ")
                && numbers(rest) == 2)
                || (rest.ends_with(" old replicas are pending termination") && numbers(rest) == 1)
                || (rest.ends_with(" updated replicas are available")
                    && rest.contains(" of ")
                    && numbers(rest) == 2)
        }
        None => {
            line == "deployment \"web\" successfully rolled out\n"
                || line == "error: deployment \"web\" exceeded its progress deadline\n"
        }
    };
    assert!(ok, "not one of kubectl's rollout status lines: {line:?}");
}

/// `kubectl describe deployment`: the labels in kubectl's order, values aligned by one tab writer,
/// and the Replicas line's five counts.
fn check_describe(text: &str) {
    let labels: Vec<&str> =
        text.lines().filter(|l| !l.starts_with(' ')).filter_map(|l| l.split(':').next()).collect();
    assert_eq!(
        labels,
        [
            "Name",
            "Namespace",
            "CreationTimestamp",
            "Labels",
            "Annotations",
            "Selector",
            "Replicas",
            "StrategyType",
            "MinReadySeconds"
        ]
        .iter()
        .chain(if text.contains("RollingUpdateStrategy:") { &["RollingUpdateStrategy"][..] } else { &[] })
        .chain(&["Pod Template", "Conditions", "OldReplicaSets", "NewReplicaSet", "Events"])
        .copied()
        .collect::<Vec<_>>(),
        "{text}"
    );
    let replicas = text.lines().find(|l| l.starts_with("Replicas:")).expect("a Replicas line");
    let parts: Vec<&str> = replicas.split_once(':').unwrap().1.trim().split(" | ").collect();
    let words: Vec<&str> = parts
        .iter()
        .filter_map(|p| {
            p.split_once(' ').map(|(n, w)| {
                assert!(n.parse::<u32>().is_ok(), "{replicas}");
                w
            })
        })
        .collect();
    assert_eq!(words, ["desired", "updated", "total", "available", "unavailable"]);
    // One writer: the values of the top block start in one column.
    let top: Vec<usize> = text
        .lines()
        .take_while(|l| !l.starts_with("Pod Template"))
        .map(|l| {
            let after = l.find(':').unwrap() + 1;
            after + l[after..].len() - l[after..].trim_start().len()
        })
        .collect();
    assert!(top.windows(2).all(|w| w[0] == w[1]), "values not aligned:\n{text}");
    let conditions: Vec<&str> = text.lines().skip_while(|l| *l != "Conditions:").skip(3).take(2).collect();
    for row in conditions {
        let cells = cells(row);
        assert!(["Available", "Progressing"].contains(&cells[0].1.as_str()), "{row}");
        assert!(["True", "False", "Unknown"].contains(&cells[1].1.as_str()), "{row}");
    }
}

/// Argo's `get rollout`: the 17-character label column, status icons that match their words, the
/// tree's drawing characters and kinds, and columns aligned over the whole tree.
fn check_argo(text: &str) {
    let (head, tree) = text.split_once("\n\n").expect("a blank line before the tree");
    for line in head.lines() {
        if line == "Replicas:" {
            continue;
        }
        let (label, value) = line.split_at(line.char_indices().nth(17).map_or(line.len(), |(i, _)| i));
        assert!(label.trim().is_empty() || label.trim_end().ends_with(':'), "label {label:?}");
        assert!(!value.starts_with(' ') && !value.is_empty(), "value not at column 17: {line:?}");
    }
    let icons = [
        ("Healthy", "✔"),
        ("Progressing", "◌"),
        ("Paused", "॥"),
        ("Degraded", "✖"),
        ("Running", "✔"),
        ("ScaledDown", "•"),
        ("Successful", "✔"),
        ("Failed", "✖"),
        ("Pending", "◌"),
        ("ContainerCreating", "◌"),
        ("Terminating", "◌"),
        ("ImagePullBackOff", "⚠"),
        ("Inconclusive", "?"),
    ];
    let status_line = head.lines().find(|l| l.starts_with("Status:")).expect("a Status line");
    let status = status_line[17..].trim();
    assert!(icons.iter().any(|(word, icon)| status == format!("{icon} {word}")), "{status_line}");
    let lines: Vec<&str> = tree.lines().collect();
    assert_eq!(
        cells(lines[0]).iter().map(|(_, c)| c.as_str()).collect::<Vec<_>>(),
        ["NAME", "KIND", "STATUS", "AGE", "INFO"]
    );
    let kind_column = cells(lines[0])[1].0;
    for line in &lines[1..] {
        let trimmed = line.trim_start_matches(['│', '├', '└', '─', ' ']);
        if trimmed.starts_with('…') {
            assert!(trimmed.contains(" more pods"), "{line}");
            continue;
        }
        if let Some(number) = trimmed.strip_prefix("# revision:") {
            assert!(number.trim_end().parse::<u32>().is_ok(), "{line}");
            continue;
        }
        // The tree's drawing (and the blanks inside it) fills the first cell.
        let drawing = line.chars().count() - trimmed.chars().count();
        let masked: String = "#".repeat(drawing) + trimmed;
        let row = cells(&masked);
        let (icon, kind) = match row[1].1.as_str() {
            "Rollout" => ("⟳", "Rollout"),
            "ReplicaSet" => ("⧉", "ReplicaSet"),
            "Pod" => ("□", "Pod"),
            "AnalysisRun" => ("α", "AnalysisRun"),
            other => panic!("unknown kind {other:?} in {line:?}"),
        };
        assert!(trimmed.starts_with(&format!("{icon} ")), "{kind} without its icon: {line:?}");
        assert_eq!(row[1].0, kind_column, "KIND not aligned: {line:?}\n{tree}");
        let status = &row[2].1;
        let running_analysis = kind == "AnalysisRun" && status == "◌ Running";
        assert!(
            running_analysis || icons.iter().any(|(word, icon)| *status == format!("{icon} {word}")),
            "status {status:?}"
        );
        assert!(is_age(&row[3].1), "age {:?}", row[3].1);
        if let Some((_, info)) = row.get(4) {
            let ok = match kind {
                "Pod" => info.starts_with("ready:"),
                "AnalysisRun" => {
                    info.split(',').all(|part| ["✔ ", "✖ ", "? ", "⚠ "].iter().any(|p| part.starts_with(p)))
                }
                _ => info.split(',').all(|l| ["stable", "canary", "active", "preview"].contains(&l)),
            };
            assert!(ok, "INFO {info:?} of a {kind}");
        }
    }
}

/// The AWS CLI's JSON of `describe-instance-refreshes`: four-space indent, the API's field names,
/// and Status from the API's list.
fn check_describe_refreshes(text: &str) {
    let value: serde_json::Value = serde_json::from_str(text).expect("JSON");
    let mut bytes = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    serde::Serialize::serialize(&value, &mut serde_json::Serializer::with_formatter(&mut bytes, formatter))
        .unwrap();
    assert_eq!(text.trim_end(), String::from_utf8(bytes).unwrap(), "not the CLI's layout");
    const FIELDS: &[&str] = &[
        "InstanceRefreshId",
        "AutoScalingGroupName",
        "Status",
        "StatusReason",
        "StartTime",
        "EndTime",
        "PercentageComplete",
        "InstancesToUpdate",
        "ProgressDetails",
        "Preferences",
        "DesiredConfiguration",
        "RollbackDetails",
        "Strategy",
    ];
    const STATUSES: &[&str] = &[
        "Pending",
        "InProgress",
        "Successful",
        "Failed",
        "Cancelling",
        "Cancelled",
        "RollbackInProgress",
        "RollbackFailed",
        "RollbackSuccessful",
        "Baking",
    ];
    for refresh in value["InstanceRefreshes"].as_array().expect("a list") {
        for key in refresh.as_object().unwrap().keys() {
            assert!(FIELDS.contains(&key.as_str()), "{key} is not a field of InstanceRefresh");
        }
        assert!(STATUSES.contains(&refresh["Status"].as_str().unwrap()), "{refresh}");
        let percent = refresh["PercentageComplete"].as_u64().unwrap();
        assert!(percent <= 100);
    }
}

#[test]
fn the_checkers_accept_the_real_tools_own_output() {
    check_get_tables(&reference_block("The rules applied to `kubectl get deploy,rs,pods`"));
    check_get_tables(&reference_block("Test expectation (`get_test.go TestGetMultipleTypeObjects`)"));
    check_argo(&reference_block("Canary example (`TestGetCanaryRollout`"));
    check_argo(&reference_block("Blue-green example (`TestGetBlueGreenRollout`"));
    check_describe_refreshes(&reference_block("Example from botocore `examples-1.json`"));
}

#[test]
fn kubectl_prints_as_kubectl_through_rolling_and_recreate_rollouts() {
    for (scenario, ticks) in [("demo", [0, 2, 5, 12]), ("recreate", [1, 3, 6, 20])] {
        for tick in ticks {
            let mut world = world_at(scenario, tick);
            check_rollout_status(&printed(&world, "kubectl rollout status deployment/web --watch=false"));
            check_get_tables(&printed(&world, "kubectl get deploy,rs,pods"));
            check_get_tables(&printed(&world, "kubectl get pods"));
            check_describe(&printed(&world, "kubectl describe deployment web"));
            let history = printed(&world, "kubectl rollout history deployment/web");
            assert!(history.starts_with("deployment.apps/web \nREVISION  CHANGE-CAUSE\n"), "{history}");
            assert!(history.ends_with("\n\n"), "a blank line ends the history, as kubectl's");
            world.step();
        }
    }
}

#[test]
fn argo_prints_as_the_plugin_through_a_canary_with_analysis_and_a_blue_green() {
    // A big fleet: the tree lists the first pods of each ReplicaSet and counts the rest.
    let mut big = Scenario::from_json(lab_engine::builtin::scenario("canary").unwrap()).unwrap();
    big.fleet_size = 200;
    let mut world = World::new(&big);
    let mut playback = Playback::new(&big);
    for _ in 0..4 {
        playback.step(&mut world);
    }
    let text = printed(&world, "kubectl argo rollouts get rollout web");
    check_argo(&text);
    assert!(text.lines().count() < 60, "{text}");

    for (scenario, ticks) in [
        ("canary", [0, 3, 8, 30]),
        ("canary-bad", [2, 5, 9, 40]),
        ("blue-green", [1, 4, 9, 50]),
        ("blue-green-bad", [2, 6, 12, 60]),
    ] {
        for tick in ticks {
            let world = world_at(scenario, tick);
            check_argo(&printed(&world, "kubectl argo rollouts get rollout web"));
            check_get_tables(&printed(&world, "kubectl get rs,pods"));
        }
    }
}

#[test]
fn aws_prints_as_the_cli_through_an_instance_refresh() {
    for scenario in ["instance-refresh", "instance-refresh-bad"] {
        for tick in [0, 3, 8, 20, 80] {
            let world = world_at(scenario, tick);
            check_describe_refreshes(&printed(
                &world,
                "aws autoscaling describe-instance-refreshes --auto-scaling-group-name web-asg",
            ));
        }
    }
}
