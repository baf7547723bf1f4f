//! `lab`: the Immutable Infrastructure Lab without a browser. It runs scenarios headless and prints
//! their traces, so teachers can grade and engineers can compare runs by one digest.

mod args;
mod bench;
mod compare;
mod grade;
mod image;
mod run;
mod scoreboard;
mod terminal;

use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "\
usage:
  lab run <scenario.json> [--ticks N]     print one JSON object per tick, then the trace digest
  lab bench [--instances N] [--ticks T]   time the standard busy fleet, in ns per instance-tick
  lab image digest <spec.json>            an image spec's digest, size and layer digests
  lab compare <scenario.json> [--ticks N] the scenario as a mutable and an immutable fleet, side by side
  lab scoreboard <scenario.json>          the scenario once per deployment strategy, side by side
  lab grade <lesson.json> <submission.json>
                                          replay a learner's actions; exit 0 if the goal is met, 1 if not";

/// Exit code for bad input (a malformed file, an unknown flag): the user can fix it.
const EXIT_BAD_INPUT: u8 = 2;

fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let result = match arguments.first().map(String::as_str) {
        Some("run") => run::main(&arguments[1..]),
        Some("bench") => bench::main(&arguments[1..]),
        Some("image") => image::main(&arguments[1..]),
        Some("compare") => compare::main(&arguments[1..]),
        Some("scoreboard") => scoreboard::main(&arguments[1..]),
        Some("grade") => match grade::main(&arguments[1..]) {
            Ok(true) => Ok(()),
            Ok(false) => return ExitCode::from(grade::EXIT_NOT_PASSED),
            Err(message) => Err(message),
        },
        Some("-h" | "--help" | "help") => {
            let mut out = terminal::Output::new();
            USAGE.lines().try_for_each(|line| out.line(line)).and_then(|()| out.finish())
        }
        _ => {
            let _ = writeln!(std::io::stderr(), "lab: expected a command\n{USAGE}");
            return ExitCode::from(EXIT_BAD_INPUT);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            // Messages quote files and paths: escaped, like everything `lab` shows. Not
            // `eprintln!`: with standard error closed too, there is no one left to tell, and that
            // is no reason to panic.
            let _ = writeln!(std::io::stderr(), "lab: {}", terminal::printable(&message));
            ExitCode::from(EXIT_BAD_INPUT)
        }
    }
}
