//! The package managers on a server: `apt-get`/`apt`, `dnf`/`yum`, `apk` and `dpkg -l`, read as the
//! package changes they would leave (an upgrade, an install at a version), with each tool's output.

use lab_engine::ImageSpec;
use lab_engine::drift::DriftChange;
use lab_engine::scan::version_less;

use super::{Remote, Session, finish};
use crate::words::shown;

/// A package install or upgrade, for the package manager to print.
struct Package {
    name: String,
    version: Option<String>,
    before: Option<String>,
}

impl Session<'_> {
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

    pub(super) fn apt(&self, args: &[&str]) -> Remote {
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

    pub(super) fn dnf(&self, args: &[&str]) -> Remote {
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

    pub(super) fn apk(&self, args: &[&str]) -> Remote {
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

    /// `dpkg -l [name …]`: the packages on the instance (the runtime counts as one).
    pub(super) fn dpkg_list(&self, names: &[&str]) -> Remote {
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
}

/// Whether the engine would refuse a package name or version, asked of an image spec that holds
/// it (the engine checks both by the same rules).
fn package_problem(name: &str, version: &str) -> bool {
    let mut spec = ImageSpec::new("ubuntu-22.04", "1.0.0");
    spec.packages.insert(name.to_owned(), version.to_owned());
    spec.validate().is_err()
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
