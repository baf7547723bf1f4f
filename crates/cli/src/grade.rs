//! `lab grade <lesson.json> <submission.json>`: the teacher's autograder. Replays a learner's
//! action log on the lesson's start and says whether it reaches the goal; no server involved.

use lab_engine::lesson::{Lesson, Replay, Submission, pack_from_json};
use lab_engine::parse_json;

use crate::args::Args;
use crate::terminal::Output;

/// Exit code for a submission that replays but does not pass.
pub const EXIT_NOT_PASSED: u8 = 1;

/// The verdict: `Ok(true)` passed, `Ok(false)` replayed but did not pass.
pub fn main(arguments: &[String]) -> Result<bool, String> {
    let args = Args::parse(arguments, &[])?;
    let [lesson_path, submission_path] = args.positional.as_slice() else {
        return Err("usage: lab grade <lesson.json> <submission.json>".into());
    };
    let read =
        |path: &String| std::fs::read_to_string(path).map_err(|error| format!("cannot read {path}: {error}"));
    let lessons = pack_from_json(&read(lesson_path)?).map_err(|error| format!("{lesson_path}: {error}"))?;
    let submission: Submission =
        parse_json(&read(submission_path)?).map_err(|error| format!("{submission_path}: {error}"))?;
    let lesson: &Lesson = lessons.iter().find(|l| l.id == submission.lesson).ok_or_else(|| {
        let ids: Vec<&str> = lessons.iter().map(|l| l.id.as_str()).collect();
        format!(
            "{submission_path}: lesson `{}` is not in {lesson_path} (it has: {})",
            submission.lesson,
            ids.join(", ")
        )
    })?;
    let report = Replay::run(lesson, &submission).map_err(|error| format!("{submission_path}: {error}"))?;
    let mut out = Output::new();
    out.line(format_args!("{}: {}", lesson.id, lesson.title))?;
    for check in &report.checks {
        let mark = if check.met { "met    " } else { "NOT MET" };
        out.line(format_args!("  {mark} {} (now {}, wanted {})", check.text, check.current, check.wanted))?;
    }
    let passed = match (&report.completion_code, report.passed_at_tick) {
        (Some(code), Some(tick)) => {
            out.line(format_args!(
                "PASSED at tick {tick} with {} actions (par {}); completion code {code}",
                report.actions, report.par
            ))?;
            true
        }
        _ => {
            let unmet: Vec<&str> = report.checks.iter().filter(|c| !c.met).map(|c| c.text.as_str()).collect();
            out.line(format_args!("NOT PASSED by tick {}: {}", lesson.ticks_max, unmet.join("; ")))?;
            false
        }
    };
    out.finish()?;
    Ok(passed)
}
