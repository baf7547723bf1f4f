//! Golden traces: the trace digest of every built-in scenario (at a few ticks on the way and at
//! the end of what `lab run` plays) and of every built-in lesson's reference solution and
//! recorded mistakes, pinned in `tests/golden/digests.txt`. Any change in behaviour changes some
//! digest, so it fails here and shows up as a diff of that file.
//!
//! After a change in behaviour made on purpose, regenerate the file and read its diff:
//!
//! ```text
//! LAB_BLESS_GOLDEN=1 cargo test -p lab-engine --test golden
//! ```

use std::collections::BTreeMap;

use lab_engine::lesson::{Lesson, Replay, Submission};
use lab_engine::{Playback, Scenario, TimedCommand, World};

/// The file of pinned digests, beside this test.
const GOLDEN_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/digests.txt");

/// Set to `1` to rewrite the file instead of checking it.
const BLESS_VARIABLE: &str = "LAB_BLESS_GOLDEN";

/// Ticks at which a scenario's digest is pinned on the way (those it reaches).
const CHECKPOINTS: &[u64] = &[10, 50, 100];

/// `lab run`'s default length: it stops once the timeline is done and the fleet has settled, or
/// here (`TICKS_DEFAULT_MAX` in `crates/cli/src/run.rs`).
const LAB_RUN_TICKS_DEFAULT_MAX: u64 = 10_000;

const HEADER: &str = "\
# The trace digest of every built-in scenario and lesson run, pinned by tests/golden.rs.
# Do not edit by hand. After a change in behaviour made on purpose, regenerate with
#   LAB_BLESS_GOLDEN=1 cargo test -p lab-engine --test golden
# and check that the diff shows exactly the runs that were meant to change.
#
# scenario NAME tick T: the digest after T ticks of `lab run`.
# scenario NAME end: the tick `lab run` stops at (without --ticks) and the digest it prints.
# lesson ID solution graded: where `lab grade` stops replaying the reference solution (its pass).
# lesson ID solution code: the completion code `lab grade` prints for it.
# lesson ID solution ticks_max / mistake N: the run played to the lesson's last tick.
";

/// One pinned value: `key: value`, the key naming the run.
struct Pin {
    key: String,
    value: String,
}

impl Pin {
    fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        Pin { key: key.into(), value: value.into() }
    }

    fn at(key: impl Into<String>, world: &World) -> Self {
        Pin::new(key, format!("tick {} {}", world.now(), world.trace_digest()))
    }

    fn line(&self) -> String {
        format!("{}: {}", self.key, self.value)
    }
}

/// Plays a built-in scenario as `lab run` does without `--ticks`, calling `at_tick` after each tick.
fn run_scenario(name: &str, mut at_tick: impl FnMut(&World)) -> World {
    let text = lab_engine::builtin::scenario(name).unwrap();
    let scenario = Scenario::from_json(text).unwrap_or_else(|error| panic!("scenario {name}: {error}"));
    let mut world = World::new(&scenario);
    let mut playback = Playback::new(&scenario);
    while !((playback.is_done() && world.is_settled()) || world.now() >= LAB_RUN_TICKS_DEFAULT_MAX) {
        playback.step(&mut world);
        world.drain_events().for_each(drop);
        at_tick(&world);
    }
    world
}

fn scenario_pins(name: &str) -> Vec<Pin> {
    let mut pins = Vec::new();
    let world = run_scenario(name, |world| {
        if CHECKPOINTS.contains(&world.now()) {
            pins.push(Pin::new(
                format!("scenario {name} tick {}", world.now()),
                world.trace_digest().to_string(),
            ));
        }
    });
    pins.push(Pin::at(format!("scenario {name} end"), &world));
    pins
}

fn lessons() -> Vec<Lesson> {
    let mut lessons: Vec<Lesson> = lab_engine::builtin::lesson_texts()
        .iter()
        .enumerate()
        .map(|(index, text)| {
            Lesson::from_json(text).unwrap_or_else(|error| panic!("lesson {index}: {error}"))
        })
        .collect();
    lessons.sort_by(|a, b| a.id.cmp(&b.id));
    lessons
}

/// Plays `actions` to the lesson's last tick, whatever the goal says.
fn to_the_end(lesson: &Lesson, actions: &[TimedCommand]) -> World {
    Replay::play(lesson, actions, |_| false).world
}

fn lesson_pins(lesson: &Lesson) -> Vec<Pin> {
    let id = &lesson.id;
    let submission =
        Submission { lesson: id.clone(), seed: lesson.start().seed, actions: lesson.solution.clone() };
    let report = Replay::run(lesson, &submission).unwrap_or_else(|error| panic!("lesson {id}: {error}"));
    // The same replay as `lab grade`'s, keeping the world to read its digest.
    let graded = Replay::play(lesson, &lesson.solution, |replay| replay.progress.passed_at_tick.is_some());
    assert_eq!(graded.progress.passed_at_tick, report.passed_at_tick, "lesson {id}");
    let mut pins = vec![
        Pin::at(format!("lesson {id} solution graded"), &graded.world),
        Pin::new(
            format!("lesson {id} solution code"),
            report.completion_code.clone().unwrap_or_else(|| "none (not passed)".into()),
        ),
        Pin::at(format!("lesson {id} solution ticks_max"), &to_the_end(lesson, &lesson.solution)),
    ];
    for (index, mistake) in lesson.mistakes.iter().enumerate() {
        pins.push(Pin::at(format!("lesson {id} mistake {index}"), &to_the_end(lesson, &mistake.actions)));
    }
    pins
}

/// Every pinned run, in the file's order: scenarios by name, then lessons by id.
fn compute() -> Vec<Pin> {
    let mut names = lab_engine::builtin::scenario_names();
    names.sort_unstable();
    let mut pins: Vec<Pin> = names.into_iter().flat_map(scenario_pins).collect();
    pins.extend(lessons().iter().flat_map(lesson_pins));
    pins
}

fn render(pins: &[Pin]) -> String {
    let mut text = String::from(HEADER);
    for pin in pins {
        text.push_str(&pin.line());
        text.push('\n');
    }
    text
}

/// The file's pins by key; a malformed or repeated line is a problem of its own.
fn parse(text: &str, problems: &mut Vec<String>) -> BTreeMap<String, String> {
    let mut pinned = BTreeMap::new();
    for (number, line) in text.lines().enumerate().map(|(i, line)| (i + 1, line)) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match line.split_once(": ") {
            Some((key, value)) => {
                if pinned.insert(key.to_owned(), value.to_owned()).is_some() {
                    problems.push(format!("line {number} pins `{key}` a second time"));
                }
            }
            None => problems.push(format!("line {number} is not `key: value`: {line}")),
        }
    }
    pinned
}

/// Every difference between what the file pins and what the engine computes now.
fn differences(file: &str, pins: &[Pin]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut pinned = parse(file, &mut problems);
    for pin in pins {
        match pinned.remove(&pin.key) {
            Some(value) if value == pin.value => {}
            Some(value) => problems
                .push(format!("changed  {}\n    pinned:  {value}\n    now:     {}", pin.key, pin.value)),
            None => problems.push(format!("new run, not pinned  {}", pin.line())),
        }
    }
    for (key, value) in pinned {
        problems.push(format!("pinned run that no longer exists  {key}: {value}"));
    }
    if problems.is_empty() && file != render(pins) {
        problems
            .push("every value matches, but the file is not in its generated form (order, comments)".into());
    }
    problems
}

#[test]
fn every_built_in_run_has_its_pinned_trace_digest() {
    let pins = compute();
    if std::env::var(BLESS_VARIABLE).is_ok_and(|value| value == "1") {
        std::fs::create_dir_all(std::path::Path::new(GOLDEN_FILE).parent().unwrap()).unwrap();
        std::fs::write(GOLDEN_FILE, render(&pins)).unwrap();
        eprintln!("wrote {} pinned runs to {GOLDEN_FILE}", pins.len());
        return;
    }
    let file = std::fs::read_to_string(GOLDEN_FILE).unwrap_or_default();
    let problems = differences(&file, &pins);
    assert!(
        problems.is_empty(),
        "{} of the pinned runs in {GOLDEN_FILE} differ from what the engine computes now:\n\n{}\n\n\
         If every change is meant, regenerate the file with\n  \
         {BLESS_VARIABLE}=1 cargo test -p lab-engine --test golden\nand commit its diff.",
        problems.len(),
        problems.join("\n")
    );
}

/// The last line `lab run <scenario>` prints, reproduced from `crates/cli/src/run.rs`: its loop
/// (timeline, then until settled or `TICKS_DEFAULT_MAX`; events drained and the world read each
/// tick) and its `{"trace_digest": …}` line.
fn lab_run_last_line(name: &str) -> String {
    let scenario = Scenario::from_json(lab_engine::builtin::scenario(name).unwrap()).unwrap();
    let mut world = World::new(&scenario);
    let mut playback = Playback::new(&scenario);
    loop {
        let done = (playback.is_done() && world.is_settled()) || world.now() >= LAB_RUN_TICKS_DEFAULT_MAX;
        if done {
            break;
        }
        playback.step(&mut world);
        let events: Vec<_> = world.drain_events().collect();
        let snapshot = world.snapshot();
        let metrics = lab_engine::compare::MetricsRow::of(&world);
        let drift = world
            .instances()
            .iter()
            .filter(|i| i.state.is_live())
            .filter_map(|i| world.drift_report(i))
            .count();
        std::hint::black_box((events, snapshot, metrics, drift));
    }
    serde_json::json!({ "trace_digest": world.trace_digest() }).to_string()
}

/// `demo` stops once settled, `canary` at `lab run`'s limit: both ways a run ends.
#[test]
fn the_pinned_end_digest_is_what_lab_run_prints() {
    let file = std::fs::read_to_string(GOLDEN_FILE).unwrap_or_default();
    let mut pinned = parse(&file, &mut Vec::new());
    for name in ["demo", "canary"] {
        let native = run_scenario(name, |_| {});
        let printed = lab_run_last_line(name);
        assert_eq!(printed, format!(r#"{{"trace_digest":"{}"}}"#, native.trace_digest()), "{name}");
        if std::env::var(BLESS_VARIABLE).is_err() {
            let expected = format!("tick {} {}", native.now(), native.trace_digest());
            assert_eq!(pinned.remove(&format!("scenario {name} end")), Some(expected), "{name}");
        }
    }
}

#[test]
fn a_changed_line_is_reported_with_every_other_difference() {
    let pins = vec![
        Pin::new("scenario a tick 10", "sha256:00"),
        Pin::new("scenario a end", "tick 20 sha256:01"),
        Pin::new("scenario b end", "tick 5 sha256:02"),
    ];
    let good = render(&pins);
    assert!(differences(&good, &pins).is_empty());
    let edited =
        good.replace("tick 20 sha256:01", "tick 20 sha256:ff").replace("scenario b end", "scenario c end");
    let problems = differences(&edited, &pins);
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert!(problems[0].starts_with("changed  scenario a end"));
    assert!(problems[1].starts_with("new run, not pinned  scenario b end"));
    assert!(problems[2].starts_with("pinned run that no longer exists  scenario c end"));
    let reordered = format!("{HEADER}{}\n{}\n{}\n", pins[1].line(), pins[0].line(), pins[2].line());
    assert_eq!(differences(&reordered, &pins).len(), 1);
}
