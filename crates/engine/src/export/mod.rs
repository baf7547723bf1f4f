//! Exports: an image spec written out as text a learner can take to real tools.
//!
//! The lab builds images inside a simulation. These functions show what the same spec looks like as
//! a [`dockerfile`] for a container image, as a [`packer`] template for an Amazon machine image, and
//! as a [`terraform_launch_template`] that runs a fleet from that machine image. Each is a pure
//! function of its arguments: no I/O, and the same spec always gives the same text, so an export can
//! be shown, diffed and tested like any other view.
//!
//! The lab's five layers (base OS, OS packages, runtime, application, configuration) map one to one
//! onto groups of instructions, and each group is headed by a comment naming its layer, so a learner
//! can see why changing a config value rebuilds only the last group while changing the base
//! rebuilds everything.
//!
//! Lab names map to real ones through the small tables below. A known base (`ubuntu-22.04`,
//! `debian-12`, `alpine-3.19`, `amazonlinux-2023`, `rhel-9`) gets its registry image, its package
//! manager and a filter for its vendor's AMIs; any other base is used as written, with `apt-get` and
//! an AMI owned by the account running Packer, because a guess that is visibly a placeholder is
//! easier to fix than a confident wrong one.
//!
//! The exports expect a spec that passes [`ImageSpec::validate`](crate::ImageSpec::validate). Names
//! and versions of such a spec need no quoting, but every value is still quoted for its format, and
//! config values, which may hold spaces, quotes and `$`, are escaped for each one.

mod analysis_template;
mod dockerfile;
mod manifest;
mod packer;
mod terraform;

pub use dockerfile::dockerfile;
pub use manifest::kubernetes_manifest;
pub use packer::packer;
pub use terraform::terraform_launch_template;

use crate::LayerKind;

/// How a distribution installs packages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PackageManager {
    /// Debian and Ubuntu.
    Apt,
    /// Alpine.
    Apk,
    /// Amazon Linux 2023 and Red Hat's full images.
    Dnf,
    /// Red Hat's minimal image, which ships the smaller `microdnf` instead of `dnf`.
    Microdnf,
}

impl PackageManager {
    /// One package pinned to an exact version, in this manager's syntax.
    fn pin(self, name: &str, version: &str) -> String {
        match self {
            PackageManager::Apt | PackageManager::Apk => format!("{name}={version}"),
            PackageManager::Dnf | PackageManager::Microdnf => format!("{name}-{version}"),
        }
    }

    /// The shell commands that install `packages`: an index refresh where the manager needs one, the
    /// install itself (its arguments last, so callers can lay them out one per line), and a cleanup
    /// that keeps package indexes out of the image.
    fn steps(self) -> InstallSteps {
        match self {
            PackageManager::Apt => InstallSteps {
                refresh: Some("apt-get update"),
                // Without this, a package that asks a question (tzdata does) stalls the build.
                install: "DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends",
                cleanup: Some("rm -rf /var/lib/apt/lists/*"),
            },
            PackageManager::Apk => {
                InstallSteps { refresh: None, install: "apk add --no-cache", cleanup: None }
            }
            PackageManager::Dnf => {
                InstallSteps { refresh: None, install: "dnf install -y", cleanup: Some("dnf clean all") }
            }
            PackageManager::Microdnf => InstallSteps {
                refresh: None,
                install: "microdnf install -y",
                cleanup: Some("microdnf clean all"),
            },
        }
    }

    /// Compilers and build tools for the application; deliberately unpinned, because they are what a
    /// multi-stage build leaves behind and a single-stage build ships.
    fn toolchain(self) -> &'static [&'static str] {
        match self {
            PackageManager::Apt => &["build-essential"],
            PackageManager::Apk => &["build-base"],
            PackageManager::Dnf | PackageManager::Microdnf => &["gcc", "gcc-c++", "make"],
        }
    }

    /// The full install as one list of shell commands, for formats that take a command per entry.
    fn commands(self, packages: &[String]) -> Vec<String> {
        let steps = self.steps();
        let words: Vec<String> = packages.iter().map(|package| shell_word(package)).collect();
        let mut commands: Vec<String> = steps.refresh.iter().map(|c| (*c).to_owned()).collect();
        commands.push(format!("{} {}", steps.install, words.join(" ")));
        commands.extend(steps.cleanup.iter().map(|c| (*c).to_owned()));
        commands
    }
}

/// The commands of one package install; see [`PackageManager::steps`].
struct InstallSteps {
    refresh: Option<&'static str>,
    install: &'static str,
    cleanup: Option<&'static str>,
}

/// What the exports need to know about a base operating system.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Os {
    /// Registry image of the full variant, e.g. `debian:12`.
    image: String,
    /// Registry image of the minimal variant, e.g. `debian:12-slim`.
    minimal_image: String,
    /// Package manager of the full variant.
    packages: PackageManager,
    /// Package manager of the minimal variant.
    minimal_packages: PackageManager,
    /// Why the minimal variant is the image it is, for a comment beside `FROM`.
    minimal_note: &'static str,
    /// The base uses musl rather than glibc, so binaries built for glibc (most vendors' tarballs and
    /// runtime images without an `-alpine` tag) do not run on it.
    musl: bool,
    /// AWS account that publishes the vendor's AMIs, or `self`.
    ami_owner: &'static str,
    /// AMI name pattern for the full variant.
    ami_name: String,
    /// AMI name pattern for a minimal AMI, where the vendor publishes one.
    minimal_ami_name: Option<String>,
    /// The login user on the vendor's AMIs.
    ssh_username: &'static str,
    /// How that user becomes root.
    become_root: &'static str,
}

impl Os {
    /// Looks a lab base such as `ubuntu-22.04` up in the table of known distributions.
    fn of(base: &str) -> Os {
        // A base is `<distribution>-<version>`; a base without a version still finds its
        // distribution, and the version then matches anything.
        let (distribution, version) = match base.split_once('-') {
            Some((name, version)) if version.starts_with(|c: char| c.is_ascii_digit()) => (name, version),
            _ => (base, ""),
        };
        let tagged = |image: &str, suffix: &str| {
            if version.is_empty() { image.to_owned() } else { format!("{image}:{version}{suffix}") }
        };
        let any_version = if version.is_empty() { "*" } else { version };
        match distribution {
            "ubuntu" => Os {
                image: tagged("ubuntu", ""),
                minimal_image: tagged("ubuntu", ""),
                packages: PackageManager::Apt,
                minimal_packages: PackageManager::Apt,
                minimal_note: "Docker's Ubuntu image is already built from Ubuntu's minimised root file \
                               system.",
                musl: false,
                ami_owner: "099720109477",
                ami_name: format!("ubuntu/images/*/ubuntu-*-{any_version}-amd64-server-*"),
                minimal_ami_name: Some(format!(
                    "ubuntu-minimal/images/*/ubuntu-*-{any_version}-amd64-minimal-*"
                )),
                ssh_username: "ubuntu",
                become_root: "sudo",
            },
            "debian" => Os {
                image: tagged("debian", ""),
                minimal_image: tagged("debian", "-slim"),
                packages: PackageManager::Apt,
                minimal_packages: PackageManager::Apt,
                minimal_note: "The slim variant drops documentation and locales but keeps apt, which the \
                               pinned packages below need.",
                musl: false,
                ami_owner: "136693071363",
                ami_name: format!("debian-{any_version}-amd64-*"),
                minimal_ami_name: None,
                ssh_username: "admin",
                become_root: "sudo",
            },
            "alpine" => Os {
                image: tagged("alpine", ""),
                minimal_image: tagged("alpine", ""),
                packages: PackageManager::Apk,
                minimal_packages: PackageManager::Apk,
                minimal_note: "Alpine's image is minimal already.",
                musl: true,
                ami_owner: "538276064493",
                ami_name: format!("alpine-{any_version}.*-x86_64-bios-*"),
                minimal_ami_name: None,
                ssh_username: "alpine",
                become_root: "doas",
            },
            "amazonlinux" => Os {
                image: tagged("amazonlinux", ""),
                minimal_image: tagged("amazonlinux", ""),
                packages: PackageManager::Dnf,
                minimal_packages: PackageManager::Dnf,
                minimal_note: "Amazon Linux's container image holds a minimal set of packages already.",
                musl: false,
                ami_owner: "amazon",
                ami_name: format!("al{any_version}-ami-{any_version}.*-x86_64"),
                minimal_ami_name: Some(format!("al{any_version}-ami-minimal-{any_version}.*-x86_64")),
                ssh_username: "ec2-user",
                become_root: "sudo",
            },
            "rhel" => {
                // Red Hat's freely redistributable images are the UBI ones, named by major version.
                let major = version.split('.').next().unwrap_or_default();
                let tag = if version.contains('.') { format!(":{version}") } else { String::new() };
                Os {
                    image: format!("registry.access.redhat.com/ubi{major}/ubi{tag}"),
                    minimal_image: format!("registry.access.redhat.com/ubi{major}/ubi-minimal{tag}"),
                    packages: PackageManager::Dnf,
                    minimal_packages: PackageManager::Microdnf,
                    minimal_note: "UBI minimal keeps microdnf so the pinned packages below can be installed.",
                    musl: false,
                    ami_owner: "309956199498",
                    ami_name: format!("RHEL-{any_version}*_HVM-*-x86_64-*"),
                    minimal_ami_name: None,
                    ssh_username: "ec2-user",
                    become_root: "sudo",
                }
            }
            _ => Os {
                image: base.to_owned(),
                minimal_image: base.to_owned(),
                packages: PackageManager::Apt,
                minimal_packages: PackageManager::Apt,
                minimal_note: "The lab does not know this base's minimal variant; name it here.",
                musl: false,
                ami_owner: "self",
                ami_name: format!("{base}-*"),
                minimal_ami_name: None,
                ssh_username: "ec2-user",
                become_root: "sudo",
            },
        }
    }

    /// The registry image for the variant the spec asks for.
    fn image_for(&self, minimal: bool) -> &str {
        if minimal { &self.minimal_image } else { &self.image }
    }

    /// The package manager of the variant the spec asks for.
    fn packages_for(&self, minimal: bool) -> PackageManager {
        if minimal { self.minimal_packages } else { self.packages }
    }
}

/// How a language runtime reaches an image.
#[derive(Clone, Debug, PartialEq, Eq)]
struct RuntimeRecipe {
    /// The runtime's official container image, e.g. `node`.
    image: String,
    /// Where that image installs the runtime: copying this directory brings the runtime along.
    home: &'static str,
    /// A directory to add to `PATH` when `home` is not on it already.
    bin: Option<&'static str>,
    /// The vendor's Linux x86-64 tarball, where one exists, as an address with `{version}` in it,
    /// and how many leading directories to strip when unpacking it into `/usr/local`.
    tarball: Option<(&'static str, u8)>,
    /// Programs built with it carry their own runtime (Go), so a multi-stage build needs it only
    /// in the build stage.
    build_only: bool,
}

impl RuntimeRecipe {
    /// Looks a runtime up by name prefix, as the lab's size table does, so `nodejs` and `node`
    /// both find Node.js.
    fn of(name: &str) -> RuntimeRecipe {
        let plain = |image: &str, home| RuntimeRecipe {
            image: image.to_owned(),
            home,
            bin: None,
            tarball: None,
            build_only: false,
        };
        if name.starts_with("node") {
            RuntimeRecipe {
                tarball: Some(("https://nodejs.org/dist/v{version}/node-v{version}-linux-x64.tar.gz", 1)),
                ..plain("node", "/usr/local")
            }
        } else if name.starts_with("python") {
            plain("python", "/usr/local")
        } else if name.starts_with("go") {
            RuntimeRecipe {
                bin: Some("/usr/local/go/bin"),
                tarball: Some(("https://go.dev/dl/go{version}.linux-amd64.tar.gz", 0)),
                build_only: true,
                ..plain("golang", "/usr/local/go")
            }
        } else if name.starts_with("openjdk") {
            RuntimeRecipe {
                bin: Some("/opt/java/openjdk/bin"),
                ..plain("eclipse-temurin", "/opt/java/openjdk")
            }
        } else if name.starts_with("dotnet") {
            RuntimeRecipe {
                bin: Some("/usr/share/dotnet"),
                ..plain("mcr.microsoft.com/dotnet/runtime", "/usr/share/dotnet")
            }
        } else {
            // An unknown runtime is assumed to publish an image under its own name that installs
            // into `/usr/local`, as most official language images do.
            plain(name, "/usr/local")
        }
    }

    /// The runtime's official image at `version`, matched to the base's C library: official images
    /// publish their musl builds under an `-alpine` tag.
    fn image_at(&self, version: &str, os: &Os) -> String {
        let suffix = if os.musl { "-alpine" } else { "" };
        format!("{}:{version}{suffix}", self.image)
    }

    /// The tarball's address at `version`, where the vendor publishes one that runs on `os`.
    fn tarball_at(&self, version: &str, os: &Os) -> Option<(String, u8)> {
        // Vendors' Linux tarballs are built against glibc.
        self.tarball
            .filter(|_| !os.musl)
            .map(|(address, strip)| (address.replace("{version}", version), strip))
    }
}

/// Where the application is installed inside the image; the build's `make install` puts it here.
const APP_HOME: &str = "/opt/app";

/// Widest a generated comment line may be, so an export reads well in an editor or a diff.
const COMMENT_WIDTH: usize = 100;

/// `text` as `#` comment lines indented by `indent`, wrapped between words at [`COMMENT_WIDTH`].
fn comment_lines(indent: &str, text: &str) -> Vec<String> {
    let prefix = format!("{indent}# ");
    let mut lines = Vec::new();
    let mut line = prefix.clone();
    for word in text.split_whitespace() {
        let started = line.len() > prefix.len();
        if started && line.chars().count() + 1 + word.chars().count() > COMMENT_WIDTH {
            lines.push(std::mem::replace(&mut line, prefix.clone()));
        } else if started {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

/// `Layer 2/5, OS packages`: the heading that ties a group of instructions to the lab's layer.
fn layer_heading(kind: LayerKind) -> String {
    format!("Layer {}/{}, {}", kind as u8 + 1, crate::LAYER_COUNT, kind.label())
}

/// The application's build, as shell commands; `make` is the command that runs make in the source
/// directory. The lab's application builds with `make`; a learner swaps in their own build here.
fn build_commands(make: &str, app_version: &str) -> [String; 2] {
    [
        format!("{make} release VERSION={}", shell_word(app_version)),
        format!("{make} install PREFIX={APP_HOME}"),
    ]
}

/// A word for a POSIX shell: left bare when it holds only characters the shell treats literally,
/// otherwise single-quoted, the one quoting in which nothing but `'` itself is special.
fn shell_word(text: &str) -> String {
    let literal = !text.is_empty()
        && text.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, '.' | '_' | '-' | '+' | '=' | ':' | '/' | ',' | '@' | '%')
        });
    if literal { text.to_owned() } else { format!("'{}'", text.replace('\'', r"'\''")) }
}

/// A quoted HCL string, as Packer and Terraform read it. Besides `\` and `"`, HCL treats `${` and
/// `%{` as the start of a template, so those are doubled to stay literal.
fn hcl_string(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => quoted.push_str(r"\\"),
            '"' => quoted.push_str("\\\""),
            '\n' => quoted.push_str(r"\n"),
            '\r' => quoted.push_str(r"\r"),
            '\t' => quoted.push_str(r"\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                quoted.push(c);
                quoted.push(c);
            }
            c if c.is_control() => quoted.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

/// HCL attributes, one per line, with their `=` aligned as `packer fmt` and `terraform fmt` align
/// them. Values are written as given, so callers quote strings with [`hcl_string`].
fn hcl_attributes(indent: &str, attributes: &[(&str, String)]) -> Vec<String> {
    let width = attributes.iter().map(|(key, _)| key.chars().count()).max().unwrap_or(0);
    attributes.iter().map(|(key, value)| format!("{indent}{key:<width$} = {value}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_bases_map_to_their_registry_images() {
        let cases = [
            ("ubuntu-22.04", false, "ubuntu:22.04"),
            ("ubuntu-22.04", true, "ubuntu:22.04"),
            ("debian-12", false, "debian:12"),
            ("debian-12", true, "debian:12-slim"),
            ("alpine-3.19", true, "alpine:3.19"),
            ("amazonlinux-2023", false, "amazonlinux:2023"),
            ("rhel-9.3", true, "registry.access.redhat.com/ubi9/ubi-minimal:9.3"),
            ("rhel-9", false, "registry.access.redhat.com/ubi9/ubi"),
            ("ubuntu", false, "ubuntu"),
            ("my-os", false, "my-os"),
            ("plan9-4", false, "plan9-4"),
        ];
        for (base, minimal, image) in cases {
            assert_eq!(Os::of(base).image_for(minimal), image, "{base}, minimal: {minimal}");
        }
    }

    #[test]
    fn each_package_manager_pins_in_its_own_syntax() {
        assert_eq!(PackageManager::Apt.pin("curl", "7.81.0"), "curl=7.81.0");
        assert_eq!(PackageManager::Apk.pin("curl", "8.5.0-r0"), "curl=8.5.0-r0");
        assert_eq!(PackageManager::Dnf.pin("curl", "8.3.0"), "curl-8.3.0");
        assert_eq!(
            PackageManager::Apk.commands(&["curl=8.5.0-r0".into(), "git=2.43.0-r0".into()]),
            ["apk add --no-cache curl=8.5.0-r0 git=2.43.0-r0"]
        );
    }

    #[test]
    fn runtimes_map_to_official_images_and_tarballs() {
        let alpine = Os::of("alpine-3.19");
        let ubuntu = Os::of("ubuntu-22.04");
        assert_eq!(RuntimeRecipe::of("nodejs").image_at("20.9.0", &ubuntu), "node:20.9.0");
        assert_eq!(RuntimeRecipe::of("python").image_at("3.12.1", &alpine), "python:3.12.1-alpine");
        assert_eq!(
            RuntimeRecipe::of("nodejs").tarball_at("20.9.0", &ubuntu),
            Some(("https://nodejs.org/dist/v20.9.0/node-v20.9.0-linux-x64.tar.gz".to_owned(), 1))
        );
        assert_eq!(
            RuntimeRecipe::of("go").tarball_at("1.21.5", &ubuntu),
            Some(("https://go.dev/dl/go1.21.5.linux-amd64.tar.gz".to_owned(), 0))
        );
        assert_eq!(RuntimeRecipe::of("python").tarball_at("3.12.1", &ubuntu), None);
        assert_eq!(RuntimeRecipe::of("nodejs").tarball_at("20.9.0", &alpine), None);
        assert_eq!(RuntimeRecipe::of("zig").image_at("0.11.0", &ubuntu), "zig:0.11.0");
    }

    #[test]
    fn shell_words_are_quoted_only_when_needed() {
        assert_eq!(shell_word("openssl=3.0.12"), "openssl=3.0.12");
        assert_eq!(shell_word("1:2.3~rc1"), "'1:2.3~rc1'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn hcl_strings_keep_templates_and_quotes_literal() {
        assert_eq!(
            hcl_string(r#"say "hi" \ ${HOME} %{if} $5 50%"#),
            r#""say \"hi\" \\ $${HOME} %%{if} $5 50%""#
        );
        assert_eq!(hcl_string("a\nb"), r#""a\nb""#);
    }

    #[test]
    fn comments_wrap_between_words() {
        let text = "word ".repeat(30);
        let lines = comment_lines("  ", &text);
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|line| line.starts_with("  # word") && line.len() <= COMMENT_WIDTH));
        assert_eq!(lines.join(" ").matches("word").count(), 30);
    }

    #[test]
    fn hcl_attributes_align_their_equals_signs() {
        assert_eq!(
            hcl_attributes("  ", &[("name", "\"a\"".into()), ("most_recent", "true".into())]),
            ["  name        = \"a\"", "  most_recent = true"]
        );
    }
}
