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

use lab_engine::drift::{DriftChange, LOCAL_DATA_MB_MAX, Observed};
use lab_engine::scan::version_less;
use lab_engine::{Command, CommandError, FleetMode, ImageSpec, Instance, World};

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

/// Where a file lies, for what editing it changes.
enum FileKind {
    /// `/etc/sysctl.conf`, `/etc/sysctl.d/*`: kernel parameters.
    Sysctl,
    /// `/etc/crontab`, `/etc/cron.d/*`: cron jobs.
    Cron,
    /// A file of the application, by its path under the application's directory.
    App(String),
    /// Any other file under `/etc`, or the application's `.env`: configuration values.
    Config,
    /// Anywhere else.
    Other,
}

fn file_kind(path: &str) -> FileKind {
    if path == "/etc/sysctl.conf" || path.starts_with("/etc/sysctl.d/") {
        FileKind::Sysctl
    } else if path == "/etc/crontab"
        || path.starts_with("/etc/cron.d/")
        || path.starts_with("/var/spool/cron/")
    {
        FileKind::Cron
    } else if let Some(relative) = path.strip_prefix(APP_HOME).filter(|r| !r.is_empty()) {
        if relative == ".env" { FileKind::Config } else { FileKind::App(relative.to_owned()) }
    } else if path.starts_with("/etc/") {
        FileKind::Config
    } else {
        FileKind::Other
    }
}

/// One ssh session's view of its instance.
struct Session<'a> {
    world: &'a World,
    instance: &'a Instance,
    state: &'a Observed,
    login: &'a str,
}

/// A package install or upgrade, for the package manager to print.
struct Package {
    name: String,
    version: Option<String>,
    before: Option<String>,
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

    /// Installs and upgrades, resolved against what is on the instance: a package named without
    /// a version is upgraded to the release that fixes a known advisory, if there is one, and a
    /// package not on the instance is a tool installed by hand.
    fn packages(&self, wanted: &[(&str, Option<&str>)], upgrade_only: bool) -> Result<Vec<Package>, String> {
        let mut found = Vec::new();
        for &(name, version) in wanted {
            if package_problem(name, "1.0.0") {
                return Err(format!("E: Unable to locate package {}\n", shown(name)));
            }
            if let Some(version) = version.filter(|version| package_problem(name, version)) {
                return Err(format!("E: Version '{}' for '{}' was not found\n", shown(version), shown(name)));
            }
            let before = self.state.packages.get(name).cloned();
            let version = match (version, &before) {
                (Some(version), _) => Some(version.to_owned()),
                (None, Some(installed)) => self.fix_for(name, installed).or_else(|| Some(installed.clone())),
                (None, None) if upgrade_only => continue,
                (None, None) => None,
            };
            found.push(Package { name: name.to_owned(), version, before });
        }
        Ok(found)
    }

    /// The newest version that fixes an advisory affecting `installed` of `name`.
    fn fix_for(&self, name: &str, installed: &str) -> Option<String> {
        let advisories = self.world.supply_view().advisories;
        let mut best: Option<&str> = None;
        for advisory in advisories.iter().filter(|a| a.affects(name, installed)) {
            if best.is_none_or(|b| version_less(b, &advisory.fixed_in)) {
                best = Some(advisory.fixed_in.as_str());
            }
        }
        best.map(str::to_owned)
    }

    /// Every package on the instance with a fix for a known advisory.
    fn upgradable(&self) -> Vec<Package> {
        self.state
            .packages
            .iter()
            .filter_map(|(name, installed)| {
                let version = self.fix_for(name, installed)?;
                Some(Package { name: name.clone(), version: Some(version), before: Some(installed.clone()) })
            })
            .collect()
    }

    /// The changes `packages` make, and whether any is new.
    fn changes(packages: &[Package]) -> Vec<DriftChange> {
        packages
            .iter()
            .filter(|p| p.version.is_none() || p.version != p.before)
            .map(|p| match &p.version {
                Some(version) => DriftChange::PatchPackage { name: p.name.clone(), version: version.clone() },
                None => DriftChange::InstallTool { name: p.name.clone(), requires: None },
            })
            .collect()
    }

    fn apt(&self, args: &[&str]) -> Remote {
        let mut operands = Vec::new();
        let mut rest = args.iter();
        while let Some(&arg) = rest.next() {
            if arg == "-o" {
                rest.next();
            } else if !arg.starts_with('-') {
                operands.push(arg);
            }
        }
        let Some((verb, names)) = operands.split_first() else {
            return Remote::Refused("E: Invalid operation\nlab: ".to_owned());
        };
        let wanted = wanted_packages(names);
        let packages = match *verb {
            "update" => return Remote::Read("Reading package lists... Done\n".to_owned()),
            "install" | "upgrade" | "dist-upgrade" | "full-upgrade" if !wanted.is_empty() => {
                match self.packages(&wanted, *verb != "install") {
                    Ok(packages) => packages,
                    Err(text) => return Remote::Refused(format!("{text}lab: ")),
                }
            }
            "upgrade" | "dist-upgrade" | "full-upgrade" => self.upgradable(),
            "install" => {
                return Remote::Refused(
                    "0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\nlab: ".to_owned(),
                );
            }
            _ => {
                return Remote::Refused(format!(
                    "lab: the lab's servers do not model `apt-get {}`; ",
                    shown(verb)
                ));
            }
        };
        let mut text = String::from(
            "Reading package lists... Done\nBuilding dependency tree... Done\nReading state information... Done\n",
        );
        let (mut upgraded, mut installed) = (0, 0);
        let mut steps = String::new();
        for package in &packages {
            let name = &package.name;
            match (&package.version, &package.before) {
                (Some(version), Some(before)) if version == before => {
                    text.push_str(&format!("{name} is already the newest version ({version}).\n"));
                }
                (Some(version), Some(before)) => {
                    upgraded += 1;
                    steps.push_str(&format!("Unpacking {name} ({version}) over ({before}) ...\nSetting up {name} ({version}) ...\n"));
                }
                (version, _) => {
                    installed += 1;
                    let shown_version = version.as_ref().map_or_else(String::new, |v| format!(" ({v})"));
                    steps.push_str(&format!("Selecting previously unselected package {name}.\nSetting up {name}{shown_version} ...\n"));
                }
            }
        }
        text.push_str(&format!(
            "{upgraded} upgraded, {installed} newly installed, 0 to remove and 0 not upgraded.\n"
        ));
        text.push_str(&steps);
        finish(Self::changes(&packages), text)
    }

    fn dnf(&self, args: &[&str]) -> Remote {
        let operands: Vec<&str> = args.iter().copied().filter(|a| !a.starts_with('-')).collect();
        let Some((verb, names)) = operands.split_first() else {
            return Remote::Refused("Error: no command given\nlab: ".to_owned());
        };
        // `name-1.2.3`: the version starts after the last `-` that a digit follows.
        let wanted: Vec<(&str, Option<&str>)> = names
            .iter()
            .map(|name| match name.rsplit_once('-') {
                Some((name, version)) if version.starts_with(|c: char| c.is_ascii_digit()) => {
                    (name, Some(version))
                }
                _ => (*name, None),
            })
            .collect();
        let packages = match *verb {
            "install" | "update" | "upgrade" if !wanted.is_empty() => {
                match self.packages(&wanted, *verb != "install") {
                    Ok(packages) => packages,
                    Err(_) => {
                        return Remote::Refused(format!(
                            "Error: Unable to find a match: {}\nlab: ",
                            names.join(" ")
                        ));
                    }
                }
            }
            "update" | "upgrade" => self.upgradable(),
            _ => {
                return Remote::Refused(format!(
                    "lab: the lab's servers do not model `{} {}`; ",
                    "dnf",
                    shown(verb)
                ));
            }
        };
        let changes = Self::changes(&packages);
        if changes.is_empty() {
            return Remote::Read("Dependencies resolved.\nNothing to do.\nComplete!\n".to_owned());
        }
        let mut text = String::from("Dependencies resolved.\n");
        for package in packages.iter().filter(|p| p.version.is_none() || p.version != p.before) {
            let verb = if package.before.is_some() { "Upgraded" } else { "Installed" };
            let version = package.version.as_ref().map_or_else(String::new, |v| format!("-{v}"));
            text.push_str(&format!("{verb}:\n  {}{version}\n", package.name));
        }
        text.push_str("\nComplete!\n");
        finish(changes, text)
    }

    fn apk(&self, args: &[&str]) -> Remote {
        let operands: Vec<&str> = args.iter().copied().filter(|a| !a.starts_with('-')).collect();
        let Some((verb, names)) = operands.split_first() else {
            return Remote::Refused("apk-tools: no applet given\nlab: ".to_owned());
        };
        let wanted = wanted_packages(names);
        let packages = match *verb {
            "add" | "upgrade" if !wanted.is_empty() => match self.packages(&wanted, *verb == "upgrade") {
                Ok(packages) => packages,
                Err(_) => {
                    return Remote::Refused(format!(
                        "ERROR: unable to select packages:\n  {}\nlab: ",
                        names.join(" ")
                    ));
                }
            },
            "upgrade" => self.upgradable(),
            "update" => return Remote::Read("OK: the package index is up to date\n".to_owned()),
            _ => {
                return Remote::Refused(format!(
                    "lab: the lab's servers do not model `apk {}`; ",
                    shown(verb)
                ));
            }
        };
        let changed: Vec<&Package> =
            packages.iter().filter(|p| p.version.is_none() || p.version != p.before).collect();
        let mut text = String::new();
        for (index, package) in changed.iter().enumerate() {
            let step = format!("({}/{})", index + 1, changed.len());
            match (&package.before, &package.version) {
                (Some(before), Some(version)) => {
                    text.push_str(&format!("{step} Upgrading {} ({before} -> {version})\n", package.name))
                }
                (_, version) => {
                    let version = version.as_ref().map_or_else(String::new, |v| format!(" ({v})"));
                    text.push_str(&format!("{step} Installing {}{version}\n", package.name));
                }
            }
        }
        text.push_str("OK\n");
        finish(Self::changes(&packages), text)
    }

    /// `sed -i 's/…/…/' <file>`: a setting changed in place.
    fn sed(&self, args: &[&str]) -> Remote {
        let mut in_place = false;
        let mut expression = None;
        let mut files = Vec::new();
        let mut rest = args.iter();
        while let Some(&arg) = rest.next() {
            if arg == "-e" || arg == "--expression" {
                expression = rest.next().copied();
            } else if arg.starts_with("-i") || arg.starts_with("--in-place") {
                in_place = true;
            } else if arg.starts_with('-') {
                continue;
            } else if expression.is_none() {
                expression = Some(arg);
            } else {
                files.push(arg);
            }
        }
        let (Some(expression), [file]) = (expression, files.as_slice()) else {
            return Remote::Refused("lab: the lab's sed edits one file in place: ".to_owned());
        };
        if !in_place {
            return Remote::Refused("lab: without -i, sed only prints the file; ".to_owned());
        }
        let Some((pattern, replacement)) = substitution(expression) else {
            return Remote::Refused(format!(
                "lab: the lab's sed knows s/<old>/<new>/ only (got `{}`); ",
                shown(expression)
            ));
        };
        let change = match file_kind(file) {
            FileKind::Sysctl => {
                setting(&replacement).map(|(key, value)| DriftChange::KernelParam { key, value })
            }
            FileKind::Config => setting(&replacement)
                .or_else(|| self.config_holding(&pattern, &replacement))
                .map(|(key, value)| DriftChange::HotfixConfig { key, value }),
            FileKind::App(path) => Some(DriftChange::EditAppFile { path }),
            FileKind::Cron | FileKind::Other => None,
        };
        match change {
            Some(change) => checked(change, String::new()),
            None => Remote::Refused(format!(
                "lab: the lab cannot tell which setting `{}` changes in {}; write the whole line, as in s/^LOG_LEVEL=.*/LOG_LEVEL=debug/; ",
                shown(expression),
                shown(file)
            )),
        }
    }

    /// The configuration key whose value is `old` (for `s/info/debug/`).
    fn config_holding(&self, old: &str, new: &str) -> Option<(String, String)> {
        let old = old.trim_start_matches('^').trim_end_matches('$');
        self.state.files.iter().find_map(|(path, value)| {
            path.strip_prefix("config/").filter(|_| value == old).map(|key| (key.to_owned(), new.to_owned()))
        })
    }

    /// `echo <text> >> <file>`, `echo <text> | tee -a <file>`, `echo <line> | crontab -`.
    fn echo(&self, args: &[&str]) -> Remote {
        let split = args.iter().position(|a| *a == "|" || a.starts_with('>'));
        let content_words: Vec<&str> = args[..split.unwrap_or(args.len())]
            .iter()
            .copied()
            .filter(|a| !matches!(*a, "-e" | "-n"))
            .collect();
        let content = content_words.join(" ");
        let Some(at) = split else {
            return Remote::Read(format!("{content}\n"));
        };
        let after = &args[at..];
        let (target, printed) = match after {
            [redirect, file, ..] if *redirect == ">>" || *redirect == ">" => (Some(*file), String::new()),
            [glued, ..] if glued.starts_with('>') && !glued.trim_start_matches('>').is_empty() => {
                (Some(glued.trim_start_matches('>')), String::new())
            }
            ["|", pipe @ ..] => {
                let pipe: Vec<&str> = pipe.iter().copied().filter(|w| *w != "sudo").collect();
                match pipe.as_slice() {
                    ["crontab", "-"] => {
                        return checked(DriftChange::AddCron { line: content }, String::new());
                    }
                    ["tee", rest @ ..] => {
                        (rest.iter().copied().find(|w| !w.starts_with('-')), format!("{content}\n"))
                    }
                    _ => (None, String::new()),
                }
            }
            _ => (None, String::new()),
        };
        let Some(file) = target else {
            return Remote::Refused(
                "lab: the lab's echo writes to a file (>> /etc/web/env) or to crontab; ".to_owned(),
            );
        };
        let change = match file_kind(file) {
            FileKind::Cron => Some(DriftChange::AddCron { line: content.clone() }),
            FileKind::Sysctl => setting(&content).map(|(key, value)| DriftChange::KernelParam { key, value }),
            FileKind::Config => {
                setting(&content).map(|(key, value)| DriftChange::HotfixConfig { key, value })
            }
            FileKind::App(path) => Some(DriftChange::EditAppFile { path }),
            FileKind::Other => None,
        };
        match change {
            Some(change) => checked(change, printed),
            None => Remote::Refused(format!(
                "lab: the lab does not model writing `{}` to {}; ",
                shown(&content),
                shown(file)
            )),
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

    /// `dpkg -l [name …]`: the packages on the instance (the runtime counts as one).
    fn dpkg_list(&self, names: &[&str]) -> Remote {
        let listed: Vec<(&String, &String)> = self
            .state
            .packages
            .iter()
            .filter(|(name, _)| names.is_empty() || names.contains(&name.as_str()))
            .collect();
        if listed.is_empty() {
            let wanted = names.first().copied().unwrap_or("*");
            return Remote::Refused(format!(
                "dpkg-query: no packages found matching {}\nlab: ",
                shown(wanted)
            ));
        }
        let mut text = String::from(
            "Desired=Unknown/Install/Remove/Purge/Hold\n| Status=Not/Inst/Conf-files/Unpacked/halF-conf/Half-inst/trig-aWait/Trig-pend\n|/ Err?=(none)/Reinst-required (Status,Err: uppercase=bad)\n||/ Name           Version      Architecture Description\n+++-==============-============-============-=================================\n",
        );
        for (name, version) in listed {
            text.push_str(&format!("ii  {name:<14} {version:<12} amd64        {name}\n"));
        }
        Remote::Read(text)
    }

    fn crontab_list(&self) -> Remote {
        if self.state.cron.is_empty() {
            return Remote::Read(format!("no crontab for {}\n", self.login));
        }
        Remote::Read(self.state.cron.iter().map(|line| format!("{line}\n")).collect())
    }

    /// `cat /etc/web/env`: the configuration values on the instance.
    fn cat(&self, args: &[&str]) -> Remote {
        match args {
            [file] if matches!(file_kind(file), FileKind::Config) => Remote::Read(
                self.state
                    .files
                    .iter()
                    .filter_map(|(path, value)| {
                        path.strip_prefix("config/").map(|key| format!("{key}={value}\n"))
                    })
                    .collect(),
            ),
            [file] if matches!(file_kind(file), FileKind::Sysctl) => Remote::Read(
                self.state.kernel.iter().map(|(key, value)| format!("{key} = {value}\n")).collect(),
            ),
            [file, ..] => Remote::Refused(format!("cat: {}: No such file or directory\nlab: ", shown(file))),
            [] => Remote::Refused("lab: cat needs a file; ".to_owned()),
        }
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

/// `sysctl -w key=value` (or `sysctl key=value`).
fn sysctl(args: &[&str]) -> Remote {
    let settings: Vec<&str> = args.iter().copied().filter(|a| !a.starts_with('-')).collect();
    match settings.as_slice() {
        [one] => match setting(one) {
            Some((key, value)) => {
                let printed = format!("{key} = {value}\n");
                checked(DriftChange::KernelParam { key, value }, printed)
            }
            None => {
                Remote::Refused("lab: the lab's sysctl sets a parameter: sysctl -w key=value; ".to_owned())
            }
        },
        _ => Remote::Refused("lab: the lab's sysctl sets one parameter: sysctl -w key=value; ".to_owned()),
    }
}

/// `vi <file>`: an application file edited in place; configuration is edited with sed.
fn edit(program: &str, args: &[&str]) -> Remote {
    match args.iter().copied().find(|a| !a.starts_with('-') && !a.starts_with('+')).map(file_kind) {
        Some(FileKind::App(path)) => checked(DriftChange::EditAppFile { path }, String::new()),
        _ => Remote::Refused(format!(
            "lab: the lab's terminal cannot run {program} here; edit a setting with sed (or an application file under {APP_HOME}); "
        )),
    }
}

/// `dd if=/dev/zero of=<file> bs=1M count=<n>`: data written to the instance's own disk.
fn local_data_dd(args: &[&str]) -> Remote {
    let operand =
        |name: &str| args.iter().find_map(|a| a.strip_prefix(name).and_then(|a| a.strip_prefix('=')));
    let count = operand("count").and_then(|c| c.parse::<u64>().ok());
    let block = operand("bs").map_or(Some(512), bytes_of);
    let target = operand("of").filter(|of| *of != "/dev/null");
    let (Some(count), Some(block), Some(_)) = (count, block, target) else {
        return Remote::Refused(
            "lab: the lab's dd writes data to disk: dd if=/dev/zero of=/var/lib/web/cache bs=1M count=500; "
                .to_owned(),
        );
    };
    let Some(bytes) = count.checked_mul(block) else {
        return Remote::Refused("dd: the disk is not that large\nlab: ".to_owned());
    };
    let printed = format!("{count}+0 records in\n{count}+0 records out\n{bytes} bytes copied\n");
    local_data(bytes, printed)
}

/// `fallocate -l 500M <file>`.
fn local_data_fallocate(args: &[&str]) -> Remote {
    let length =
        args.iter().position(|a| *a == "-l").and_then(|at| args.get(at + 1)).and_then(|size| bytes_of(size));
    match length {
        Some(bytes) => local_data(bytes, String::new()),
        None => Remote::Refused(
            "lab: the lab's fallocate takes -l <size>, e.g. fallocate -l 500M /var/lib/web/cache; "
                .to_owned(),
        ),
    }
}

/// `bytes` written to local disk, in the engine's whole megabytes.
fn local_data(bytes: u64, printed: String) -> Remote {
    let mb = bytes.div_ceil(1_000_000);
    match u32::try_from(mb) {
        Ok(mb) if (1..=LOCAL_DATA_MB_MAX).contains(&mb) => {
            Remote::Change(vec![DriftChange::WriteLocalData { mb }], printed)
        }
        _ => Remote::Refused(format!("lab: the lab's disks take 1 to {LOCAL_DATA_MB_MAX} MB at a time; ")),
    }
}

/// `512`, `4K`, `1M`, `1MB`, `2G`: a size as dd and fallocate read it (`K`, `M`, `G` are powers of
/// 1024, `KB`, `MB`, `GB` of 1000).
fn bytes_of(text: &str) -> Option<u64> {
    let digits = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let number: u64 = text.get(..digits)?.parse().ok()?;
    let unit: u64 = match text.get(digits..)? {
        "" | "c" => 1,
        "K" | "k" | "KiB" => 1 << 10,
        "KB" | "kB" => 1_000,
        "M" | "MiB" => 1 << 20,
        "MB" => 1_000_000,
        "G" | "GiB" => 1 << 30,
        "GB" => 1_000_000_000,
        _ => return None,
    };
    number.checked_mul(unit)
}

/// `KEY=value` (or `key = value`, or `export KEY="value"`): a setting's key and value.
fn setting(text: &str) -> Option<(String, String)> {
    let text = text.trim().trim_start_matches('^').trim_start_matches("export ");
    let (key, value) = text.split_once('=')?;
    let key = key.trim();
    let value = value.trim().trim_end_matches('$');
    let value = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(value);
    let key_ok = key.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    (key_ok && !value.is_empty() && !value.contains(".*")).then(|| (key.to_owned(), value.to_owned()))
}

/// `s<d>old<d>new<d>[flags]` with any delimiter.
fn substitution(expression: &str) -> Option<(String, String)> {
    let mut chars = expression.chars();
    if chars.next()? != 's' {
        return None;
    }
    let delimiter = chars.next()?;
    let rest: String = chars.collect();
    let mut parts = rest.split(delimiter);
    let (old, new) = (parts.next()?, parts.next()?);
    parts.next()?;
    Some((old.to_owned(), new.to_owned()))
}

/// An environment assignment before a command (`DEBIAN_FRONTEND=noninteractive`).
fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty() && name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    })
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

/// Whether the engine would refuse a package name or version, asked of an image spec that holds
/// it (the engine checks both by the same rules).
fn package_problem(name: &str, version: &str) -> bool {
    let mut spec = ImageSpec::new("ubuntu-22.04", "1.0.0");
    spec.packages.insert(name.to_owned(), version.to_owned());
    spec.validate().is_err()
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

/// The packages a package manager is asked for, `name` or `name=version` (apt's and apk's way).
fn wanted_packages<'a>(names: &[&'a str]) -> Vec<(&'a str, Option<&'a str>)> {
    names
        .iter()
        .map(|name| match name.split_once('=') {
            Some((name, version)) => (name, Some(version)),
            None => (*name, None),
        })
        .collect()
}

/// `ssh`'s and `ansible-playbook`'s short help.
pub(crate) fn help() -> String {
    "ssh logs into one instance and runs a command there; ansible-playbook runs configuration management over the fleet.\n\nCommands:\n  ssh <instance> '<command>'   e.g. ssh i-0001 'sudo apt-get install -y openssl=3.0.2'\n  ssh --break-glass <instance> '<command>'   Emergency access on an immutable fleet (the instance is marked for replacement)\n  ansible-playbook site.yml\n".to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_settings_and_sizes() {
        assert_eq!(setting("LOG_LEVEL=debug"), Some(("LOG_LEVEL".into(), "debug".into())));
        assert_eq!(setting("^LOG_LEVEL=.*"), None);
        assert_eq!(setting("vm.overcommit_memory = 2"), Some(("vm.overcommit_memory".into(), "2".into())));
        assert_eq!(
            substitution("s/^LOG_LEVEL=.*/LOG_LEVEL=debug/"),
            Some(("^LOG_LEVEL=.*".into(), "LOG_LEVEL=debug".into()))
        );
        assert_eq!(substitution("s|a|b|g"), Some(("a".into(), "b".into())));
        assert_eq!(substitution("s/a/b"), None);
        assert_eq!(bytes_of("1M"), Some(1 << 20));
        assert_eq!(bytes_of("500MB"), Some(500_000_000));
        assert_eq!(bytes_of("x"), None);
        assert_eq!(bytes_of("99999999999999999999G"), None);
    }
}
