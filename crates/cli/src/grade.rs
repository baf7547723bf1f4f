//! `lab grade <lesson.json> <submission.json>`: the teacher's autograder. Replays a learner's
//! action log on the lesson's start and says whether it reaches the goal; no server involved.

use std::path::{Path, PathBuf};

use lab_engine::lesson::{Lesson, Replay, Submission, pack_from_json};
use lab_engine::parse_json;

use crate::terminal::Output;

/// Exit code for a submission that replays but does not pass.
pub const EXIT_NOT_PASSED: u8 = 1;

/// `lab grade`'s arguments; the command's description and exit codes are in `main.rs`.
#[derive(clap::Args)]
pub struct Args {
    /// The lesson file, or a pack of lessons (lessons/)
    #[arg(value_name = "LESSON.JSON")]
    lesson: PathBuf,
    /// The learner's submission (lesson id, seed, actions), as the lab saves it
    #[arg(value_name = "SUBMISSION.JSON")]
    submission: PathBuf,
}

/// The verdict: `Ok(true)` passed, `Ok(false)` replayed but did not pass.
pub fn main(args: &Args) -> Result<bool, String> {
    let (lesson_path, submission_path) = (args.lesson.display(), args.submission.display());
    let read = |path: &Path| {
        std::fs::read_to_string(path).map_err(|error| format!("cannot read {}: {error}", path.display()))
    };
    let lessons = pack_from_json(&read(&args.lesson)?).map_err(|error| format!("{lesson_path}: {error}"))?;
    let submission: Submission =
        parse_json(&read(&args.submission)?).map_err(|error| format!("{submission_path}: {error}"))?;
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
