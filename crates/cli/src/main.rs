//! `lab`: the Immutable Infrastructure Lab without a browser. It runs scenarios headless and prints
//! their traces, so teachers can grade and engineers can compare runs by one digest.

/// The help's last lines for every command but `grade`, which also exits 1. A macro, not a
/// const: `concat!` puts it after each command's own text at compile time.
macro_rules! exit_codes {
    () => {
        "\
Exit codes:
  0  done
  2  bad input (an unreadable or malformed file, an unknown flag, a value out of range)
     or output that could not be written (a closed pipe, a full disk)"
    };
}

mod bench;
mod compare;
mod grade;
mod image;
mod run;
mod scoreboard;
mod terminal;

use std::ffi::OsStr;
use std::io::Write;
use std::process::ExitCode;

use clap::builder::TypedValueParser;
use clap::error::ErrorKind;
use clap::{Parser, Subcommand};

/// Exit code for bad input (a malformed file, an unknown flag): the user can fix it.
const EXIT_BAD_INPUT: u8 = 2;

/// `lab`'s command line. Help and version text are printed like any report (see [`main`]).
#[derive(Parser)]
#[command(
    name = "lab",
    version,
    about = "The Immutable Infrastructure Lab without a browser: runs scenarios headless.",
    after_help = "\
Exit codes:
  0  done (grade: the submission passed)
  1  grade: the submission replays but does not reach the goal
  2  bad input (an unreadable or malformed file, an unknown flag, a value out of range)
     or output that could not be written (a closed pipe, a full disk)

'lab <COMMAND> --help' says what a command prints.",
    // A flag given twice takes its last value, as it always has.
    args_override_self = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    #[command(
        about = "Play a scenario; print one JSON object per tick, then the trace digest",
        after_help = concat!("\
Prints one JSON object per tick (instances by state, images, revisions, traffic, rollout,
metrics, drift, events), then {\"trace_digest\": \"sha256:…\"}: the digest the browser shows
for the same scenario and ticks.

", exit_codes!())
    )]
    Run(run::Args),
    #[command(
        about = "Time the standard busy fleet, in ns per instance-tick",
        after_help = concat!("\
Prints one JSON object: instances, ticks, elapsed_ms and ns_per_instance_tick.

", exit_codes!())
    )]
    Bench(bench::Args),
    #[command(
        subcommand,
        about = "An image spec's digest, size and layer digests",
        after_help = exit_codes!()
    )]
    Image(image::Command),
    #[command(
        about = "The scenario as a mutable and an immutable fleet, side by side",
        after_help = concat!("\
Prints the scenario's name, then one line per metric (snowflake index, drift, patch success,
exposure window, data lost, failed requests, MTTR, …) for each fleet, then the mutable fleet's
in-place patch failures.

", exit_codes!())
    )]
    Compare(compare::Args),
    #[command(
        about = "The scenario once per deployment strategy, side by side",
        after_help = concat!("\
Prints the scenario's name, then one line per strategy: duration, minimum available,
downtime, failed requests, peak instances, time to detect, time to roll back, blast radius.

", exit_codes!())
    )]
    Scoreboard(scoreboard::Args),
    #[command(
        about = "Replay a learner's actions; exit 0 if the goal is met, 1 if not",
        after_help = "\
Prints the lesson's title, each goal assertion as met or NOT MET, then PASSED with the tick,
the number of actions and the completion code, or NOT PASSED with the unmet assertions.

Exit codes:
  0  passed
  1  not passed: the submission replays but does not reach the goal
  2  bad input (an unreadable or malformed lesson or submission, a submission of another
     lesson or seed) or output that could not be written (a closed pipe, a full disk)"
    )]
    Grade(grade::Args),
}

/// A flag's value: a whole number from 1 to the maximum, refused otherwise with the range named.
#[derive(Clone, Copy)]
struct Count {
    max: u64,
}

/// A [`Count`] parser for `#[arg(value_parser = count(max))]`.
const fn count(max: u64) -> Count {
    Count { max }
}

impl TypedValueParser for Count {
    type Value = u64;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<u64, clap::Error> {
        let text = value.to_string_lossy();
        match text.parse::<u64>() {
            Ok(number) if (1..=self.max).contains(&number) => Ok(number),
            _ => {
                let name = arg.and_then(clap::Arg::get_long).unwrap_or("value");
                let message = format!("`--{name}` takes a whole number from 1 to {}, got `{text}`", self.max);
                Err(cmd.clone().error(ErrorKind::ValueValidation, message))
            }
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return command_line_error(&error),
    };
    let result = match cli.command {
        Command::Run(args) => run::main(&args),
        Command::Bench(args) => bench::main(&args),
        Command::Image(command) => image::main(&command),
        Command::Compare(args) => compare::main(&args),
        Command::Scoreboard(args) => scoreboard::main(&args),
        Command::Grade(args) => match grade::main(&args) {
            Ok(true) => Ok(()),
            Ok(false) => return ExitCode::from(grade::EXIT_NOT_PASSED),
            Err(message) => Err(message),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => bad_input(&message),
    }
}

/// What the parser stopped at: help or the version asked for (standard output, exit 0), or a
/// usage mistake (standard error, exit 2).
fn command_line_error(error: &clap::Error) -> ExitCode {
    let text = error.render().to_string();
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            // Through the same writer as every report: a closed pipe or a full disk is an error
            // message and exit 2, not a panic.
            let mut out = terminal::Output::new();
            match text.lines().try_for_each(|line| out.line(line)).and_then(|()| out.finish()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(message) => bad_input(&message),
            }
        }
        // `lab` or `lab image` alone: the parser offers the help; say what was missing first.
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            bad_input(&format!("expected a command\n\n{}", text.trim_end()))
        }
        _ => bad_input(text.strip_prefix("error: ").unwrap_or(&text).trim_end()),
    }
}

/// Reports `message` on standard error as `lab: …` and gives the bad-input exit code.
fn bad_input(message: &str) -> ExitCode {
    // Messages quote files, paths and arguments: escaped line by line, like everything `lab`
    // shows. Not `eprintln!`: with standard error closed too, there is no one left to tell, and
    // that is no reason to panic.
    let mut shown = String::from("lab: ");
    for line in message.lines() {
        shown.push_str(&terminal::printable(line));
        shown.push('\n');
    }
    let _ = std::io::stderr().lock().write_all(shown.as_bytes());
    ExitCode::from(EXIT_BAD_INPUT)
}
