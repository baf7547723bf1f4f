//! The `lab` binary as a user runs it.

mod common;

use std::path::PathBuf;

use common::*;

#[test]
fn run_prints_a_row_per_tick_and_the_same_digest_every_time() {
    let first = lab(&["run", &demo(), "--ticks", "30"]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let text = String::from_utf8_lossy(&first.stdout);
    let rows: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 31, "30 ticks and the digest");
    for (tick, row) in rows[..30].iter().enumerate() {
        assert_eq!(row["tick"], tick as u64);
        assert!(row["instances"]["in_service"].is_u64());
        assert!(row["events"].is_array());
    }
    let digest = last_line(&first)["trace_digest"].as_str().unwrap().to_owned();
    assert!(digest.starts_with("sha256:") && digest.len() == 71);
    assert_eq!(last_line(&lab(&["run", &demo(), "--ticks", "30"]))["trace_digest"], digest.as_str());
    assert_ne!(last_line(&lab(&["run", &demo(), "--ticks", "31"]))["trace_digest"], digest.as_str());
}

#[test]
fn run_without_ticks_stops_once_the_deploy_has_settled() {
    let output = lab(&["run", &demo()]);
    let text = String::from_utf8_lossy(&output.stdout);
    let rows: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let last_row = &rows[rows.len() - 2];
    assert_eq!(last_row["rollout_complete"], true);
    let images = last_row["images"].as_object().unwrap();
    assert_eq!(images.len(), 1, "one image left: {images:?}");
    assert!(
        rows.iter().any(|row| row["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "rollout_complete"))
    );
}

#[test]
fn a_malformed_scenario_names_file_line_column_and_field() {
    let path = scratch_file(
        "bad-fleet.json",
        "{\n  \"seed\": 1,\n  \"fleet_size\": -3,\n  \"image\": {\"base\": \"u\", \"app_version\": \"1\"}\n}\n",
    );
    let output = lab(&["run", &path]);
    assert_eq!(output.status.code(), Some(2));
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(message.contains("bad-fleet.json"), "{message}");
    assert!(message.contains("line 3, column"), "{message}");
    assert!(message.contains("field `fleet_size`"), "{message}");
    assert!(!message.contains("panicked"), "{message}");
}

#[test]
fn broken_json_and_bad_flags_exit_2_without_a_panic() {
    let path = scratch_file("truncated.json", "{\n  \"seed\": 1,\n  \"fleet_size\": 3,\n");
    let cases: Vec<Vec<&str>> = vec![
        vec!["run", &path],
        vec!["run", "/no/such/file.json"],
        vec!["run", "--ticks", "many", "x.json"],
        vec!["bench", "--instances", "0"],
        vec!["fly"],
    ];
    for arguments in cases {
        let output = lab(&arguments);
        let message = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{arguments:?}: {message}");
        assert!(message.starts_with("lab: ") && !message.contains("panicked"), "{message}");
    }
}

#[test]
fn bench_reports_ns_per_instance_tick() {
    let output = lab(&["bench", "--instances", "200", "--ticks", "20"]);
    assert!(output.status.success());
    let report = last_line(&output);
    assert_eq!(report["instances"], 200);
    assert!(report["ns_per_instance_tick"].as_f64().unwrap() > 0.0);
    // It says which build measured, and ends on the workload's trace: the same each run, so another
    // build (the wasm benchmark) can show it did the same work.
    let level = report["opt_level"].as_str().unwrap();
    assert!(["0", "1", "2", "3", "s", "z"].contains(&level), "{level}");
    let again = last_line(&lab(&["bench", "--instances", "200", "--ticks", "20"]));
    assert!(report["trace_digest"].as_str().unwrap().starts_with("sha256:"));
    assert_eq!(report["trace_digest"], again["trace_digest"]);
}

#[test]
fn image_digest_prints_the_image_and_layer_digests_whatever_the_field_order() {
    let forward = scratch_file(
        "spec-forward.json",
        r#"{"base": "ubuntu-22.04", "packages": {"openssl": "3.0.12", "curl": "8.4.0"}, "app_version": "1.4.2"}"#,
    );
    let backward = scratch_file(
        "spec-backward.json",
        r#"{"app_version": "1.4.2", "packages": {"curl": "8.4.0", "openssl": "3.0.12"}, "base": "ubuntu-22.04"}"#,
    );
    let read = |path: &str| -> serde_json::Value {
        let output = lab(&["image", "digest", path]);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        serde_json::from_slice(&output.stdout).unwrap()
    };
    let (first, second) = (read(&forward), read(&backward));
    assert_eq!(first, second);
    let layers = first["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 5);
    assert_eq!(layers[4]["digest"], first["digest"], "the image digest is the top layer's");
    assert_eq!(layers[0]["layer"], "base");
}

#[test]
fn image_digest_names_the_bad_field() {
    let path = scratch_file(
        "spec-duplicate.json",
        "{\n  \"base\": \"ubuntu-22.04\",\n  \"packages\": {\"openssl\": \"3.0.11\", \"openssl\": \"3.0.12\"},\n  \"app_version\": \"1\"\n}\n",
    );
    let output = lab(&["image", "digest", &path]);
    assert_eq!(output.status.code(), Some(2));
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(message.contains("line 3") && message.contains("duplicate package `openssl`"), "{message}");
}

#[test]
fn compare_shows_the_seed_story_side_by_side() {
    let scenario = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/seed-004.json");
    let output = lab(&["compare", &scenario.to_string_lossy()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8_lossy(&output.stdout);
    let patch_line = text.lines().find(|l| l.starts_with("patch success")).unwrap();
    assert!(patch_line.contains("28/30") && patch_line.contains("30/30"), "{patch_line}");
    assert!(text.contains("i-0007: dpkg") && text.contains("i-0015: tcpflow"), "{text}");
}

/// `desired/available` per revision for each tick of a `lab run` trace.
fn revision_rows(file: &str, ticks: u32) -> Vec<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenarios").join(file);
    let output = lab(&["run", &path.to_string_lossy(), "--ticks", &ticks.to_string()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| {
            let row: serde_json::Value = serde_json::from_str(line).unwrap();
            let revisions = row.get("revisions")?.as_array()?.clone();
            for key in ["traffic", "rollout"] {
                assert!(row.get(key).is_some(), "trace rows carry `{key}`");
            }
            let cells: Vec<String> =
                revisions.iter().map(|r| format!("{}/{}", r["desired"], r["available"])).collect();
            Some(format!("{}: {}", row["tick"], cells.join(" ")))
        })
        .collect()
}

#[test]
fn the_worked_examples_reproduce_tick_for_tick_through_lab_run() {
    assert_eq!(
        revision_rows("s1-rolling-10-replicas.json", 3),
        ["0: 8/8 5/0", "1: 3/3 10/5", "2: 0/0 10/10"]
    );
    assert_eq!(
        revision_rows("s2-rolling-3-replicas.json", 4),
        ["0: 3/3 1/0", "1: 2/2 2/1", "2: 1/1 3/2", "3: 0/0 3/3"]
    );
    assert_eq!(
        revision_rows("s11-proportional-scaling.json", 4),
        ["0: 8/8 5/0", "1: 8/8 5/0", "2: 11/8 7/0", "3: 11/11 7/0"]
    );
}

#[test]
fn trace_rows_report_traffic_and_conditions() {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenarios/s2-rolling-3-replicas.json");
    let output = lab(&["run", &path.to_string_lossy(), "--ticks", "4"]);
    let rows: Vec<serde_json::Value> =
        String::from_utf8_lossy(&output.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(
        rows[1]["traffic"],
        serde_json::json!([{"revision": 1, "weight": 67}, {"revision": 2, "weight": 33}])
    );
    assert_eq!(rows[0]["rollout"]["conditions"]["reason"], "NewReplicaSetCreated");
    assert_eq!(rows[3]["rollout"]["conditions"]["progressing"], "Complete");
    assert_eq!(rows[3]["rollout"]["phase"], "Healthy");
    assert_eq!(rows[3]["revisions"][1]["terminating"], 0);
}

#[test]
fn scoreboard_lists_every_strategy() {
    let scenario = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/canary-bad.json");
    let output = lab(&["scoreboard", &scenario.to_string_lossy()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8_lossy(&output.stdout);
    for name in ["rolling", "recreate", "blue_green", "canary", "instance_refresh"] {
        assert!(text.lines().any(|l| l.starts_with(name)), "{name} missing:\n{text}");
    }
}

#[test]
fn grade_accepts_a_passing_submission_and_rejects_a_failing_one_with_the_unmet_assertions() {
    let lesson_path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../lessons/01-thirty-snowflakes.json");
    let lesson_text = std::fs::read_to_string(&lesson_path).unwrap();
    let lesson: serde_json::Value = serde_json::from_str(&lesson_text).unwrap();
    let lesson_path = lesson_path.to_string_lossy().into_owned();
    let submission = |actions: &serde_json::Value| {
        serde_json::json!({"lesson": "thirty-snowflakes", "seed": 4004, "actions": actions}).to_string()
    };
    let passing = scratch_file("grade-pass.json", &submission(&lesson["solution"]));
    let output = lab(&["grade", &lesson_path, &passing]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.contains("PASSED at tick") && text.contains("completion code"), "{text}");

    // Rebuilding from the old image makes the servers identical but leaves them vulnerable.
    let failing = scratch_file(
        "grade-fail.json",
        &submission(&serde_json::json!([{"tick": 10, "command": "rebuild_all"}])),
    );
    let output = lab(&["grade", &lesson_path, &failing]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains("NOT PASSED") && text.contains("NOT MET No server runs a vulnerable OpenSSL"),
        "{text}"
    );

    // A submission that is not a session of this lesson is bad input, not a failed attempt.
    let foreign = scratch_file(
        "grade-foreign.json",
        &serde_json::json!({"lesson": "thirty-snowflakes", "seed": 1, "actions": []}).to_string(),
    );
    let output = lab(&["grade", &lesson_path, &foreign]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("ran with seed 1"));
}

#[test]
fn a_submission_error_names_the_field() {
    let (lesson_path, _) = lesson_01();
    let path = scratch_file(
        "submission-bad-seed.json",
        "{\"lesson\": \"thirty-snowflakes\",\n \"seed\": \"many\", \"actions\": []}",
    );
    let output = lab(&["grade", &lesson_path, &path]);
    let message = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{message}");
    assert!(message.contains("line 2, column") && message.contains("field `seed`"), "{message}");
}

#[test]
fn image_digest_refuses_trailing_data() {
    let spec = r#"{"base": "ubuntu-22.04", "app_version": "1.4.2"}"#;
    for (name, text) in
        [("spec-garbage.json", format!("{spec}\ngarbage")), ("spec-two.json", format!("{spec}\n{spec}\n"))]
    {
        let path = scratch_file(name, &text);
        let output = lab(&["image", "digest", &path]);
        let message = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{name}: {message}");
        assert!(
            message.contains(name) && message.contains("line 2, column 1") && message.contains("trailing"),
            "{message}"
        );
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn flags_beyond_what_the_engine_runs_are_refused_with_the_maximum() {
    let cases: [(&[&str], &str); 3] = [
        (&["compare", &demo(), "--ticks", "100000"], "`--ticks` takes a whole number from 1 to 2000"),
        (&["compare", &demo(), "--ticks", "2001"], "`--ticks` takes a whole number from 1 to 2000"),
        (&["bench", "--instances", "100001"], "`--instances` takes a whole number from 1 to 100000"),
    ];
    for (arguments, expected) in cases {
        let output = lab(arguments);
        let message = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{arguments:?}: {message}");
        assert!(message.contains(expected), "{arguments:?}: {message}");
    }
}

#[test]
fn every_command_has_help_that_exits_0() {
    let cases: [&[&str]; 13] = [
        &["--help"],
        &["-h"],
        &["help"],
        &["run", "--help"],
        &["bench", "--help"],
        &["image", "--help"],
        &["image", "digest", "--help"],
        &["compare", "--help"],
        &["scoreboard", "--help"],
        &["grade", "--help"],
        &["grade", "-h"],
        &["help", "grade"],
        &["help", "image", "digest"],
    ];
    for arguments in cases {
        let output = lab(arguments);
        let text = String::from_utf8_lossy(&output.stdout);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{arguments:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(output.stderr.is_empty(), "{arguments:?}: {}", String::from_utf8_lossy(&output.stderr));
        assert!(text.contains("Usage: lab") && text.contains("Exit codes:"), "{arguments:?}: {text}");
    }
    let output = lab(&["--version"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stdout), concat!("lab ", env!("CARGO_PKG_VERSION"), "\n"));
}

#[test]
fn grade_help_says_what_it_prints_and_its_exit_codes() {
    let output = lab(&["grade", "--help"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.contains("Usage: lab grade <LESSON.JSON> <SUBMISSION.JSON>"), "{text}");
    assert!(text.contains("PASSED") && text.contains("NOT PASSED"), "{text}");
    for code in ["0  passed", "1  not passed", "2  bad input"] {
        assert!(text.contains(code), "{code}: {text}");
    }
}

#[test]
fn usage_mistakes_exit_2_with_a_message_and_no_output() {
    let output = lab(&[]);
    let message = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{message}");
    assert!(message.starts_with("lab: expected a command\n") && message.contains("Usage: lab"), "{message}");
    assert!(output.stdout.is_empty());

    let scenario = demo();
    let cases: [(&[&str], &str); 8] = [
        (&["--bogus"], "unexpected argument '--bogus'"),
        (&["run", &scenario, "--verbose"], "unexpected argument '--verbose'"),
        (&["grade", "--ticks", "3", "a.json", "b.json"], "unexpected argument '--ticks'"),
        (&["run", &scenario, "other.json"], "unexpected argument 'other.json'"),
        (&["run"], "required arguments were not provided"),
        (&["grade", &scenario], "required arguments were not provided"),
        (&["image"], "expected a command"),
        (&["image", "resize", &scenario], "unrecognized subcommand 'resize'"),
    ];
    for (arguments, expected) in cases {
        let output = lab(arguments);
        let message = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{arguments:?}: {message}");
        assert!(message.starts_with("lab: ") && message.contains(expected), "{arguments:?}: {message}");
        assert!(!message.contains("panicked"), "{arguments:?}: {message}");
        assert!(output.stdout.is_empty(), "{arguments:?}");
    }
}

#[test]
fn a_flag_given_twice_takes_its_last_value() {
    let output = lab(&["run", &demo(), "--ticks", "3", "--ticks=5"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8_lossy(&output.stdout).lines().count(), 6, "5 ticks and the digest");
}

#[test]
fn run_with_a_view_prints_what_the_real_tool_would_at_each_tick() {
    let scenario = |name: &str| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join(format!("../../scenarios/{name}.json"))
            .display()
            .to_string()
    };
    let output = lab(&["run", &scenario("canary-bad"), "--ticks", "10", "--view", "argo"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(text.matches("--- tick ").count(), 10);
    assert!(text.contains("Status:          ✖ Degraded"), "the canary's analysis aborts it:\n{text}");
    assert!(text.contains("AnalysisRun  ✖ Failed"), "{text}");
    assert!(text.lines().last().unwrap().starts_with("--- trace digest sha256:"));

    let output = lab(&["run", &scenario("recreate"), "--ticks", "4", "--view", "kubectl"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains(
            "$ kubectl get deploy,rs,pods\nNAME                  READY   UP-TO-DATE   AVAILABLE   AGE\n"
        ),
        "{text}"
    );
    assert!(text.contains("Waiting for deployment \"web\" rollout to finish: "), "{text}");

    let output = lab(&["run", &scenario("instance-refresh"), "--ticks", "5", "--view", "aws"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("\"Status\": \"InProgress\""), "{text}");

    let refused = lab(&["run", &scenario("canary"), "--view", "helm"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("invalid value 'helm'"));
}
