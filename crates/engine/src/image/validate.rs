//! What makes an image spec valid, checked both when a spec is read from JSON (so the error points
//! at the field) and when one is built in code (the UI's builder).

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::{ImageSpec, Runtime};

/// Longest name, version or value the lab accepts; keeps hashing and drawing bounded.
const TEXT_LEN_MAX: usize = 128;
/// Most packages or config entries one spec may carry.
const ENTRIES_MAX: usize = 64;

/// Why an image spec cannot be built. Each names the field at fault.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SpecError {
    /// A required text field is empty.
    #[error("`{field}` must not be empty")]
    Empty {
        /// The field, e.g. `base` or `packages.openssl`.
        field: String,
    },
    /// A text field is longer than the lab allows.
    #[error("`{field}` is longer than {TEXT_LEN_MAX} characters")]
    TooLong {
        /// The field at fault.
        field: String,
    },
    /// A name contains characters a package or image name cannot have.
    #[error("`{field}` may only use letters, digits and . _ + - (got `{value}`)")]
    BadName {
        /// The field at fault.
        field: String,
        /// The offending value.
        value: String,
    },
    /// A version does not look like one.
    #[error(
        "`{field}` is not a version: it must start with a digit and use only letters, digits and . + ~ : _ - (got `{value}`)"
    )]
    BadVersion {
        /// The field at fault.
        field: String,
        /// The offending value.
        value: String,
    },
    /// A config value holds control characters.
    #[error("`{field}` may not contain control characters")]
    ControlCharacters {
        /// The field at fault.
        field: String,
    },
    /// Too many packages or config entries.
    #[error("`{field}` has more than {ENTRIES_MAX} entries")]
    TooMany {
        /// `packages` or `config`.
        field: &'static str,
    },
    /// A number beyond its bound.
    #[error("`{field}` {reason}")]
    OutOfBounds {
        /// The field at fault.
        field: &'static str,
        /// The bound and the value.
        reason: String,
    },
}

fn check_name(field: &str, value: &str) -> Result<(), SpecError> {
    if value.is_empty() {
        return Err(SpecError::Empty { field: field.to_owned() });
    }
    if value.len() > TEXT_LEN_MAX {
        return Err(SpecError::TooLong { field: field.to_owned() });
    }
    if !value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '+' | '-')) {
        return Err(SpecError::BadName { field: field.to_owned(), value: value.to_owned() });
    }
    Ok(())
}

/// Debian, semver and most package managers' versions: a leading digit, then a small alphabet.
pub(crate) fn check_version(field: &str, value: &str) -> Result<(), SpecError> {
    if value.is_empty() {
        return Err(SpecError::Empty { field: field.to_owned() });
    }
    if value.len() > TEXT_LEN_MAX {
        return Err(SpecError::TooLong { field: field.to_owned() });
    }
    let starts_with_digit = value.starts_with(|c: char| c.is_ascii_digit());
    let alphabet_ok =
        value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '~' | ':' | '_' | '-'));
    if !starts_with_digit || !alphabet_ok {
        return Err(SpecError::BadVersion { field: field.to_owned(), value: value.to_owned() });
    }
    Ok(())
}

/// Config values may hold spaces (a log format, say) but must stay short and printable.
fn check_config_value(field: &str, value: &str) -> Result<(), SpecError> {
    if value.len() > TEXT_LEN_MAX {
        return Err(SpecError::TooLong { field: field.to_owned() });
    }
    if value.chars().any(char::is_control) {
        return Err(SpecError::ControlCharacters { field: field.to_owned() });
    }
    Ok(())
}

/// Every rule, for specs built in code.
pub(super) fn spec(spec: &ImageSpec) -> Result<(), SpecError> {
    check_name("base", &spec.base)?;
    check_version("app_version", &spec.app_version)?;
    if spec.packages.len() > ENTRIES_MAX {
        return Err(SpecError::TooMany { field: "packages" });
    }
    for (name, version) in &spec.packages {
        check_name("packages", name)?;
        check_version(&format!("packages.{name}"), version)?;
    }
    if let Some(runtime) = &spec.runtime {
        check_name("runtime.name", &runtime.name)?;
        check_version("runtime.version", &runtime.version)?;
    }
    if spec.config.len() > ENTRIES_MAX {
        return Err(SpecError::TooMany { field: "config" });
    }
    for (key, value) in &spec.config {
        check_name("config", key)?;
        check_config_value(&format!("config.{key}"), value)?;
    }
    let numbers = [
        ("error_rate_per_mille", crate::bounds::at_most(spec.error_rate_per_mille, 1000, " per thousand")),
        ("added_latency_ms", crate::bounds::at_most(spec.added_latency_ms, ADDED_LATENCY_MS_MAX, " ms")),
        ("crash_after_ticks", crate::bounds::wait_ticks_u32(spec.crash_after_ticks)),
    ];
    for (field, result) in numbers {
        result.map_err(|reason| SpecError::OutOfBounds { field, reason })?;
    }
    Ok(())
}

pub(super) fn token<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let value = String::deserialize(deserializer)?;
    check_name("name", &value).map_err(de::Error::custom)?;
    Ok(value)
}

pub(super) fn version<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let value = String::deserialize(deserializer)?;
    check_version("version", &value).map_err(de::Error::custom)?;
    Ok(value)
}

pub(super) fn per_mille<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    let value = u32::deserialize(deserializer)?;
    if value > 1000 {
        return Err(de::Error::custom(format!("a rate per thousand is at most 1000, got {value}")));
    }
    Ok(value)
}

/// The slowest a build may be made: a minute per request.
const ADDED_LATENCY_MS_MAX: u32 = 60_000;

pub(super) fn latency_ms<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    let value = u32::deserialize(deserializer)?;
    if value > ADDED_LATENCY_MS_MAX {
        return Err(de::Error::custom(format!(
            "added_latency_ms is at most {ADDED_LATENCY_MS_MAX} (a minute), got {value}"
        )));
    }
    Ok(value)
}

pub(super) fn runtime<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Runtime>, D::Error> {
    let runtime = Runtime::deserialize(deserializer)?;
    check_name("runtime.name", &runtime.name).map_err(de::Error::custom)?;
    check_version("runtime.version", &runtime.version).map_err(de::Error::custom)?;
    Ok(Some(runtime))
}

pub(super) fn package_map<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, String>, D::Error> {
    deserializer.deserialize_map(UniqueMap { what: "package", check: check_package })
}

pub(super) fn config_map<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, String>, D::Error> {
    deserializer.deserialize_map(UniqueMap { what: "config key", check: check_config })
}

fn check_package(name: &str, version: &str) -> Result<(), SpecError> {
    check_name("package name", name)?;
    check_version(&format!("version of {name}"), version)
}

fn check_config(key: &str, value: &str) -> Result<(), SpecError> {
    check_name("config key", key)?;
    check_config_value(&format!("config.{key}"), value)
}

/// A JSON object read into a sorted map that refuses a key given twice (plain maps keep the last
/// silently, which would hide a mistake like two versions of openssl) and more than `ENTRIES_MAX`.
struct UniqueMap {
    what: &'static str,
    check: fn(&str, &str) -> Result<(), SpecError>,
}

impl<'de> Visitor<'de> for UniqueMap {
    type Value = BTreeMap<String, String>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "an object of {} names to strings", self.what)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut map = BTreeMap::new();
        while let Some((key, value)) = access.next_entry::<String, String>()? {
            (self.check)(&key, &value).map_err(de::Error::custom)?;
            if map.contains_key(&key) {
                return Err(de::Error::custom(format!("duplicate {} `{key}`", self.what)));
            }
            if map.len() == ENTRIES_MAX {
                return Err(de::Error::custom(format!("more than {ENTRIES_MAX} entries")));
            }
            map.insert(key, value);
        }
        Ok(map)
    }
}
