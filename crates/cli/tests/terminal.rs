//! `lab` is a careful citizen of the terminal: text from files is shown escaped, and a closed
//! or full standard output ends with a message and exit code 2, never a panic.

mod common;

use std::process::{Command, Stdio};

use common::*;

/// Every command that prints, with arguments that succeed.
fn printing_commands() -> Vec<Vec<String>> {
    let (lesson_path, lesson) = lesson_01();
    let submission =
        serde_json::json!({"lesson": "thirty-snowflakes", "seed": 4004, "actions": lesson["solution"]});
    let submission = scratch_file("pipe-pass.json", &submission.to_string());
    let spec = scratch_file("pipe-spec.json", r#"{"base": "ubuntu-22.04", "app_version": "1.4.2"}"#);
    let commands: [&[&str]; 9] = [
        &["run", &demo()],
        &["compare", &demo()],
        &["scoreboard", &demo()],
        &["image", "digest", &spec],
        &["grade", &lesson_path, &submission],
        &["bench", "--instances", "10", "--ticks", "10"],
        &["help"],
        &["--help"],
        &["grade", "--help"],
    ];
    commands.iter().map(|c| c.iter().map(|a| a.to_string()).collect()).collect()
}

#[test]
fn a_closed_pipe_ends_with_an_error_not_a_panic() {
    for arguments in printing_commands() {
        // The reader is gone before `lab` starts, so it cannot write a byte, as after `head -0`.
        // (Closing the reader after the start raced with a fast command's whole output.)
        let (reader, writer) = std::io::pipe().expect("a pipe");
        drop(reader);
        let output = Command::new(env!("CARGO_BIN_EXE_lab"))
            .args(&arguments)
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .expect("lab runs");
        let message = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{arguments:?}: {message}");
        assert!(!message.contains("panicked"), "{arguments:?}: {message}");
        assert!(message.contains("cannot write the output: Broken pipe"), "{arguments:?}: {message}");
    }
}

#[test]
fn a_full_disk_ends_with_an_error_not_a_panic() {
    for arguments in printing_commands() {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full opens");
        let output = Command::new(env!("CARGO_BIN_EXE_lab"))
            .args(&arguments)
            .stdout(Stdio::from(full))
            .output()
            .expect("lab runs");
        let message = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{arguments:?}: {message}");
        assert!(!message.contains("panicked"), "{arguments:?}: {message}");
        assert!(
            message.contains("cannot write the output: No space left on device"),
            "{arguments:?}: {message}"
        );
    }
}

#[test]
fn grade_shows_learner_and_lesson_text_escaped() {
    let (_, mut lesson) = lesson_01();
    lesson["title"] = format!("Thirty snowflakes{HOSTILE}").into();
    lesson["goal"][0]["text"] = format!("Every server is the same{HOSTILE}").into();
    let solution = lesson["solution"].clone();
    let lesson_path = scratch_file("hostile-lesson.json", &lesson.to_string());
    let submission = |lesson_id: &str, actions: &serde_json::Value| {
        serde_json::json!({"lesson": lesson_id, "seed": 4004, "actions": actions}).to_string()
    };

    let passing = scratch_file("hostile-pass.json", &submission("thirty-snowflakes", &solution));
    let failing = scratch_file("hostile-fail.json", &submission("thirty-snowflakes", &serde_json::json!([])));
    for (path, code) in [(passing, 0), (failing, 1)] {
        let output = lab(&["grade", &lesson_path, &path]);
        let text = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(code), "{text}");
        assert_eq!(raw_controls(&output.stdout), [], "{text:?}");
        assert!(
            text.contains(r"Thirty snowflakes\u{1b}[2J\u{1b}]0;owned\u{7}\u{d}PASSED \u{9b}31m\u{202e}"),
            "{text}"
        );
        assert!(text.contains(r"Every server is the same\u{1b}[2J"), "{text}");
    }

    // The lesson id a submission names is quoted in the error, escaped too.
    let foreign = scratch_file("hostile-id.json", &submission(&format!("x{HOSTILE}"), &solution));
    let output = lab(&["grade", &lesson_path, &foreign]);
    let message = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{message}");
    assert_eq!(raw_controls(&output.stderr), [], "{message:?}");
    assert!(message.contains(r"lesson `x\u{1b}[2J"), "{message}");
}

#[test]
fn compare_and_scoreboard_show_the_scenario_name_escaped() {
    let path = demo_with("hostile-name.json", |s| s["name"] = format!("A fleet{HOSTILE}").into());
    for command in ["compare", "scoreboard"] {
        let output = lab(&[command, &path]);
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{command}: {}", String::from_utf8_lossy(&output.stderr));
        assert_eq!(raw_controls(&output.stdout), [], "{command}: {text:?}");
        assert!(text.starts_with(r"A fleet\u{1b}[2J"), "{command}: {text}");
    }
}

#[test]
fn run_writes_every_control_character_as_a_json_escape() {
    // An immutable fleet refuses SSH and names the actor in the trace.
    let actor = format!("ops{HOSTILE}\u{7f}");
    let path = demo_with("hostile-actor.json", |s| {
        s["timeline"].as_array_mut().unwrap().push(serde_json::json!({"tick": 1, "command": {"ssh": {
            "instances": [1], "actor": actor, "change": {"patch_package": {"name": "openssl", "version": "3.0.12"}}
        }}}));
    });
    let output = lab(&["run", &path, "--ticks", "5"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(raw_controls(&output.stdout), [], "{text:?}");
    assert!(text.contains(r"\u202e") && text.contains(r"\u009b") && text.contains(r"\u007f"), "{text}");
    // The escapes are JSON's own: a reader gets the actor back exactly.
    let actors: Vec<serde_json::Value> = text
        .lines()
        .flat_map(|line| {
            serde_json::from_str::<serde_json::Value>(line).unwrap()["events"].as_array().cloned()
        })
        .flatten()
        .filter_map(|event| event.get("actor").cloned())
        .collect();
    assert_eq!(actors, [serde_json::Value::from(actor)]);
}

#[test]
fn image_digest_errors_quote_the_spec_escaped() {
    let path = scratch_file(
        "spec-hostile.json",
        &serde_json::json!({"base": format!("ubuntu{HOSTILE}"), "app_version": "1"}).to_string(),
    );
    let output = lab(&["image", "digest", &path]);
    let message = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{message}");
    assert_eq!(raw_controls(&output.stderr), [], "{message:?}");
    assert!(message.contains(r"ubuntu\u{1b}[2J"), "{message}");
}

#[cfg(unix)]
#[test]
fn a_path_that_is_not_utf8_is_reported_not_a_panic() {
    use std::os::unix::ffi::OsStrExt;
    let path = std::ffi::OsStr::from_bytes(b"/no/such/dir/\xff\x1b[2J.json");
    let output = Command::new(env!("CARGO_BIN_EXE_lab")).arg("run").arg(path).output().expect("lab runs");
    let message = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{message}");
    assert!(message.starts_with("lab: cannot read /no/such/dir/"), "{message}");
    assert_eq!(raw_controls(&output.stderr), [], "{message:?}");
}

#[test]
fn arguments_quoted_in_usage_errors_are_escaped() {
    let output = lab(&["run", &demo(), &format!("--x{HOSTILE}")]);
    let message = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{message}");
    assert_eq!(raw_controls(&output.stderr), [], "{message:?}");
    assert!(message.contains(r"--x\u{1b}[2J"), "{message}");
}
