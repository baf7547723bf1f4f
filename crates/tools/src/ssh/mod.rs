//! `ssh <instance> '<command>'`: changing a server by hand, the habit the lab contrasts with
//! replacing it (configuration management, its other contrast, is `ansible.rs`).
//!
//! A remote command is read as the change it would leave on the server (a package upgraded, a
//! setting edited, a kernel parameter, a cron job, data on the local disk) and becomes the
//! engine's `Ssh` command; commands that leave nothing behind (`hostname`, `systemctl restart`,
//! `dpkg -l`) are answered from the instance's state and change nothing. On an immutable fleet the
//! login is refused by policy (OpenSSH's `Permission denied (publickey).`); the attempt still
//! reaches the engine, which writes it to the audit log. `--break-glass`, a lab option, is the
//! emergency access that gets in and marks the instance for replacement.
//!
//! Here: the login, its refusals and the session's dispatch; `packages.rs` the package managers,
//! `files.rs` files, settings and data on the local disk.

mod files;
mod packages;

use files::{edit, is_assignment, local_data_dd, local_data_fallocate, sysctl};

use lab_engine::drift::{DriftChange, Observed};
use lab_engine::{Command, CommandError, FleetMode, Instance, World};

use crate::words::shown;
use crate::{Act, Output, Reply, Tool};

/// Who logs in, for the audit log and the prompt.
const ACTOR: &str = "you";
/// Where the lab's Dockerfile installs the application.
const APP_HOME: &str = "/opt/app/";
/// The longest text the engine takes in a change (a key, a value, a cron line, a path).
const TEXT_MAX: usize = 128;

const SSH_USAGE: &str = "usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy] [-B bind_interface] [-b bind_address]\n           [-c cipher_spec] [-D [bind_address:]port] [-E log_file]\n           [-e escape_char] [-F configfile] [-I pkcs11] [-i identity_file]\n           [-J destination] [-L address] [-l login_name] [-m mac_spec]\n           [-O ctl_cmd] [-o option] [-P tag] [-p port] [-R address]\n           [-S ctl_path] [-W host:port] [-w local_tun[:remote_tun]]\n           destination [command [argument ...]]\nlab option:\n           --break-glass  emergency access to an immutable fleet: the session is\n                          audited and the instance is replaced afterwards\n";

pub(crate) fn ssh(world: &World, words: &[&str]) -> Reply {
    let mut break_glass = false;
    let mut login: Option<&str> = None;
    let mut host: Option<&str> = None;
    let mut remote: Vec<&str> = Vec::new();
    let mut rest = words.iter();
    while let Some(&word) = rest.next() {
        // A lab option, so it is taken anywhere on the line, even after the host.
        if word == "--break-glass" {
            break_glass = true;
            continue;
        }
        if host.is_some() {
            remote.push(word);
            continue;
        }
        if word == "--help" {
            return Reply::Print(Output::ok(SSH_USAGE));
        }
        if word == "--" {
            continue;
        }
        let Some(options) = word.strip_prefix('-').filter(|o| !o.is_empty()) else {
            host = Some(word);
            continue;
        };
        // OpenSSH's option letters: these take a value (glued on or the next word), the others
        // are switches; only `-l` matters to the lab.
        for (at, letter) in options.char_indices() {
            if "BbcDEeFIiJLlmOoPpRSWw".contains(letter) {
                let glued = &options[at + letter.len_utf8()..];
                let value = if glued.is_empty() { rest.next().copied() } else { Some(glued) };
                let Some(value) = value else {
                    return Reply::Print(Output::error(format!(
                        "option requires an argument -- {letter}\n{SSH_USAGE}"
                    )));
                };
                if letter == 'l' {
                    login = Some(value);
                }
                break;
            } else if !"46AaCfGgKkMNnqsTtVvXxYy".contains(letter) {
                return Reply::Print(Output::error(format!("unknown option -- {letter}\n{SSH_USAGE}")));
            }
        }
    }
    let Some(destination) = host else {
        return Reply::Print(Output::error(SSH_USAGE));
    };
    let (user, host) = match destination.rsplit_once('@') {
        Some((user, host)) => (Some(user), host),
        None => (None, destination),
    };
    let login = shown(user.or(login).unwrap_or(ACTOR));
    let Some(instance) = resolve(world, host) else {
        // OpenSSH lowercases the host name before it looks it up.
        return Reply::Print(Output::error(format!(
            "ssh: Could not resolve hostname {}: Name or service not known\nhint: log into an instance by its id (i-0001) or its address\n",
            shown(host).to_ascii_lowercase()
        )));
    };
    let address = instance.address_text();
    if !instance.state.is_live() {
        return Reply::Print(Output::error(format!(
            "ssh: connect to host {address} port 22: Connection refused\nhint: {} is {}\n",
            instance.id,
            instance.state.label()
        )));
    }
    let immutable = world.operations_view().mode == FleetMode::Immutable;
    let denied = immutable && !break_glass;
    let denial = || {
        format!(
            "{login}@{address}: Permission denied (publickey).\nlab: this fleet is immutable: nobody logs into its servers, so SSH is refused by policy and the attempt is written to the audit log; change the image and roll it out instead.\nhint: in an emergency, 'ssh --break-glass {host} ...' gets in, and the instance is then replaced.\n",
            host = shown(host)
        )
    };
    if remote.is_empty() {
        if denied {
            return Reply::Print(Output::error(denial()));
        }
        return Reply::Print(Output::error(format!(
            "Pseudo-terminal will not be allocated because stdin is not a terminal.\nlab: the lab's terminal runs one command per ssh; {}",
            examples(host)
        )));
    }
    let command = remote.join(" ");
    let state = state_of(world, instance);
    let session = Session { world, instance, state: &state, login: &login };
    let outcome = session.run(&command);
    let to_command = |change: DriftChange| Command::Ssh {
        instances: vec![instance.id.0],
        actor: ACTOR.to_owned(),
        change,
        break_glass,
    };
    match outcome {
        // The attempt goes to the engine all the same: it refuses by policy and audits it.
        Remote::Change(mut changes, _) if denied => {
            changes.truncate(1);
            Act::failing(Tool::Ssh, changes.into_iter().map(to_command).collect(), denial())
        }
        _ if denied => Reply::Print(Output::error(denial())),
        Remote::Change(changes, mut text) => {
            if immutable {
                text.push_str(&format!(
                    "lab: break-glass session on {} written to the audit log; the instance no longer matches its image and will be replaced.\n",
                    instance.id
                ));
            }
            Act::new(Tool::Ssh, changes.into_iter().map(to_command).collect(), text)
        }
        Remote::Read(text) => Reply::Print(Output::ok(text)),
        Remote::Refused(text) => Reply::Print(Output::error(format!("{text}{}", examples(host)))),
    }
}

/// The lab's examples of remote commands it can carry out.
fn examples(host: &str) -> String {
    let host = shown(host);
    format!(
        "changes the lab's servers take, for example:\n  ssh {host} 'sudo apt-get install -y openssl=3.0.12'\n  ssh {host} \"sudo sed -i 's/^LOG_LEVEL=.*/LOG_LEVEL=debug/' /etc/web/env\"\n  ssh {host} 'sudo sysctl -w vm.overcommit_memory=2'\n"
    )
}

/// The instance a host name names: its id as the lab shows it (`i-0003`, or `i-3`), its address,
/// or the EC2-style host name of its address (`ip-10-0-1-5`). A live one wins over a terminated
/// one at the same address.
fn resolve<'w>(world: &'w World, host: &str) -> Option<&'w Instance> {
    let number = host
        .strip_prefix("i-")
        .filter(|digits| {
            !digits.is_empty() && digits.len() <= 10 && digits.bytes().all(|b| b.is_ascii_digit())
        })
        .and_then(|digits| digits.parse::<u32>().ok());
    let matches = |instance: &&Instance| {
        number == Some(instance.id.0)
            || instance.address_text() == host
            || host.strip_prefix("ip-").is_some_and(|name| name.replace('-', ".") == instance.address_text())
    };
    let instances = world.fleet_view().instances;
    instances.iter().filter(matches).find(|i| i.state.is_live()).or_else(|| instances.iter().find(matches))
}

/// What is on the instance now: its drift if it has any, else what its image put there.
fn state_of(world: &World, instance: &Instance) -> Observed {
    match &instance.observed {
        Some(observed) => (**observed).clone(),
        None => world
            .supply_view()
            .image(instance.image)
            .map(|image| Observed::baseline(&image.spec))
            .unwrap_or_default(),
    }
}

/// What a remote command comes to.
enum Remote {
    /// Changes to make, and what the command prints.
    Change(Vec<DriftChange>, String),
    /// Nothing changes; this is printed.
    Read(String),
    /// The lab cannot carry it out; why (followed by the lab's examples).
    Refused(String),
}

/// One ssh session's view of its instance.
struct Session<'a> {
    world: &'a World,
    instance: &'a Instance,
    state: &'a Observed,
    login: &'a str,
}

impl Session<'_> {
    /// Runs a remote command line: `&&`- or `;`-separated commands, each read on its own.
    fn run(&self, line: &str) -> Remote {
        let words = match crate::words::split(line) {
            Ok(words) => words,
            Err(error) => return Remote::Refused(format!("{error}\n")),
        };
        let mut changes = Vec::new();
        let mut text = String::new();
        for segment in words.split(|word| word == "&&" || word == ";") {
            let segment: Vec<&str> = segment.iter().map(String::as_str).collect();
            match self.command(&segment) {
                Remote::Change(more, printed) => {
                    changes.extend(more);
                    text.push_str(&printed);
                }
                Remote::Read(printed) => text.push_str(&printed),
                refused @ Remote::Refused(_) => return refused,
            }
        }
        if changes.is_empty() { Remote::Read(text) } else { Remote::Change(changes, text) }
    }

    /// One command, after `sudo` and environment assignments.
    fn command(&self, words: &[&str]) -> Remote {
        let mut words = words;
        loop {
            match words {
                ["sudo", "-E" | "-H" | "-n", rest @ ..] | ["sudo", rest @ ..] => words = rest,
                [assignment, rest @ ..] if is_assignment(assignment) => words = rest,
                _ => break,
            }
        }
        let Some((program, args)) = words.split_first() else {
            return Remote::Read(String::new());
        };
        match *program {
            "apt-get" | "apt" => self.apt(args),
            "yum" | "dnf" => self.dnf(args),
            "apk" => self.apk(args),
            "sysctl" => sysctl(args),
            "sed" => self.sed(args),
            "echo" => self.echo(args),
            "vi" | "vim" | "nano" | "emacs" => edit(program, args),
            "dd" => local_data_dd(args),
            "fallocate" => local_data_fallocate(args),
            "systemctl" | "service" => self.service(program, args),
            "hostname" => Remote::Read(format!("ip-{}\n", self.instance.address_text().replace('.', "-"))),
            "whoami" => Remote::Read(format!("{}\n", self.login)),
            "dpkg" | "dpkg-query" if args.first().is_some_and(|a| matches!(*a, "-l" | "--list")) => {
                self.dpkg_list(&args[1..])
            }
            "crontab" if args == ["-l"] => self.crontab_list(),
            "cat" => self.cat(args),
            _ if is_known(program) => Remote::Refused(format!(
                "lab: the lab's servers do not model `{}`; ",
                shown(&words.join(" "))
            )),
            _ => Remote::Refused(format!("bash: line 1: {}: command not found\nlab: ", shown(program))),
        }
    }

    fn service(&self, program: &str, args: &[&str]) -> Remote {
        // `systemctl restart web` and `service web restart` put the verb in different places.
        let verb = if program == "service" { args.get(1) } else { args.first() };
        match verb.copied() {
            Some("restart" | "reload" | "start" | "stop" | "try-restart" | "reload-or-restart") => {
                Remote::Read(String::new())
            }
            Some("status") => {
                let unit =
                    args.iter().copied().find(|a| !a.starts_with('-') && *a != "status").unwrap_or("web");
                let unit = unit.trim_end_matches(".service");
                Remote::Read(format!(
                    "● {unit}.service - {unit}\n     Loaded: loaded (/etc/systemd/system/{unit}.service; enabled; preset: enabled)\n     Active: active (running)\n"
                ))
            }
            _ => Remote::Refused(format!(
                "lab: the lab's servers do not model `{program} {}`; ",
                shown(&args.join(" "))
            )),
        }
    }

    fn crontab_list(&self) -> Remote {
        if self.state.cron.is_empty() {
            return Remote::Read(format!("no crontab for {}\n", self.login));
        }
        Remote::Read(self.state.cron.iter().map(|line| format!("{line}\n")).collect())
    }
}

/// Changes made, or, if none, what was printed.
fn finish(changes: Vec<DriftChange>, text: String) -> Remote {
    if changes.is_empty() { Remote::Read(text) } else { Remote::Change(changes, text) }
}

/// A change whose texts fit what the engine takes.
fn checked(change: DriftChange, printed: String) -> Remote {
    let texts: Vec<&str> = match &change {
        DriftChange::HotfixConfig { key, value } | DriftChange::KernelParam { key, value } => {
            vec![key, value]
        }
        DriftChange::AddCron { line } => vec![line],
        DriftChange::EditAppFile { path } => vec![path],
        _ => Vec::new(),
    };
    if texts.iter().any(|text| text.is_empty() || text.chars().count() > TEXT_MAX) {
        return Remote::Refused(format!(
            "lab: the lab's servers take names and values of 1 to {TEXT_MAX} characters; "
        ));
    }
    Remote::Change(vec![change], printed)
}

/// Programs every server has, which the lab does not model beyond the forms above.
fn is_known(program: &str) -> bool {
    matches!(
        program,
        "ls" | "rm"
            | "cp"
            | "mv"
            | "mkdir"
            | "touch"
            | "chmod"
            | "chown"
            | "tee"
            | "printf"
            | "curl"
            | "wget"
            | "kill"
            | "ps"
            | "top"
            | "df"
            | "du"
            | "free"
            | "uptime"
            | "reboot"
            | "shutdown"
            | "journalctl"
            | "tail"
            | "head"
            | "grep"
            | "crontab"
            | "dpkg"
            | "dpkg-query"
            | "pip"
            | "npm"
            | "useradd"
            | "passwd"
            | "iptables"
            | "mount"
            | "docker"
            | "kubectl"
    )
}

// ---------------------------------------------------------------------------------------------

/// A refusal by the engine in ssh's words.
pub(crate) fn refused(error: &CommandError) -> String {
    match error {
        CommandError::UnknownInstance { instance } => {
            format!("ssh: Could not resolve hostname {instance}: Name or service not known\n")
        }
        CommandError::InstanceGone { instance } => {
            format!("ssh: connect to host {instance} port 22: Connection refused\n")
        }
        other => format!("ssh: {other}\n"),
    }
}

/// `ssh`'s and `ansible-playbook`'s short help.
pub(crate) fn help() -> String {
    "ssh logs into one instance and runs a command there; ansible-playbook runs configuration management over the fleet.\n\nCommands:\n  ssh <instance> '<command>'   e.g. ssh i-0001 'sudo apt-get install -y openssl=3.0.2'\n  ssh --break-glass <instance> '<command>'   Emergency access on an immutable fleet (the instance is marked for replacement)\n  ansible-playbook site.yml\n".to_owned()
}
