//! Golden images: a spec, and the content address that the spec alone determines.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, de};
use sha2::{Digest as _, Sha256};

use crate::Digest;

/// Longest name or value the lab accepts in a spec; keeps hashing and drawing bounded.
const TEXT_LEN_MAX: usize = 128;
/// Most packages or config entries one spec may carry.
const ENTRIES_MAX: usize = 64;

/// What goes into a golden image. Maps are sorted, so the order fields arrive in never matters.
///
/// Every field is validated as it is read, so a bad scenario file is reported at the exact field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageSpec {
    /// Base operating system, e.g. `ubuntu-22.04`.
    #[serde(deserialize_with = "token")]
    pub base: String,
    /// OS packages and their exact versions.
    #[serde(default, deserialize_with = "token_map")]
    pub packages: BTreeMap<String, String>,
    /// Version of the application baked into the image, e.g. `1.4.2`.
    #[serde(deserialize_with = "token")]
    pub app_version: String,
    /// Configuration baked into the image.
    #[serde(default, deserialize_with = "config_map")]
    pub config: BTreeMap<String, String>,
}

fn token<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let value = String::deserialize(deserializer)?;
    check_token("value", &value).map_err(de::Error::custom)?;
    Ok(value)
}

fn token_map<'de, D: Deserializer<'de>>(deserializer: D) -> Result<BTreeMap<String, String>, D::Error> {
    let map = BTreeMap::<String, String>::deserialize(deserializer)?;
    if map.len() > ENTRIES_MAX {
        return Err(de::Error::custom(format!("more than {ENTRIES_MAX} entries")));
    }
    for (name, version) in &map {
        check_token("name", name).map_err(de::Error::custom)?;
        check_token(&format!("version of {name}"), version).map_err(de::Error::custom)?;
    }
    Ok(map)
}

fn config_map<'de, D: Deserializer<'de>>(deserializer: D) -> Result<BTreeMap<String, String>, D::Error> {
    let map = BTreeMap::<String, String>::deserialize(deserializer)?;
    if map.len() > ENTRIES_MAX {
        return Err(de::Error::custom(format!("more than {ENTRIES_MAX} entries")));
    }
    for (key, value) in &map {
        check_token("key", key).map_err(de::Error::custom)?;
        check_config_value(key, value).map_err(de::Error::custom)?;
    }
    Ok(map)
}

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
    /// A text field contains whitespace or control characters.
    #[error("`{field}` may not contain spaces or control characters: `{value}`")]
    BadCharacters {
        /// The field at fault.
        field: String,
        /// The offending value.
        value: String,
    },
    /// Too many packages or config entries.
    #[error("`{field}` has more than {ENTRIES_MAX} entries")]
    TooMany {
        /// `packages` or `config`.
        field: &'static str,
    },
}

impl ImageSpec {
    /// Checks every field; the first problem found is returned.
    pub fn validate(&self) -> Result<(), SpecError> {
        check_token("base", &self.base)?;
        check_token("app_version", &self.app_version)?;
        if self.packages.len() > ENTRIES_MAX {
            return Err(SpecError::TooMany { field: "packages" });
        }
        if self.config.len() > ENTRIES_MAX {
            return Err(SpecError::TooMany { field: "config" });
        }
        for (name, version) in &self.packages {
            check_token("packages", name)?;
            check_token(&format!("packages.{name}"), version)?;
        }
        for (key, value) in &self.config {
            check_token("config", key)?;
            check_config_value(key, value)?;
        }
        Ok(())
    }

    /// The content address of this spec: sha256 over a canonical serialization (fixed field order,
    /// sorted maps, every string length-prefixed so that no two specs share an encoding).
    pub fn digest(&self) -> Digest {
        let mut hasher = Sha256::new_with_prefix(b"lab-image-spec/v1");
        put(&mut hasher, self.base.as_bytes());
        put_map(&mut hasher, &self.packages);
        put(&mut hasher, self.app_version.as_bytes());
        put_map(&mut hasher, &self.config);
        Digest::from_hasher(hasher)
    }
}

fn check_token(field: &str, value: &str) -> Result<(), SpecError> {
    if value.is_empty() {
        return Err(SpecError::Empty { field: field.to_owned() });
    }
    if value.len() > TEXT_LEN_MAX {
        return Err(SpecError::TooLong { field: field.to_owned() });
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(SpecError::BadCharacters { field: field.to_owned(), value: value.to_owned() });
    }
    Ok(())
}

/// Config values may hold spaces (a log format, say) but must stay short and printable.
fn check_config_value(key: &str, value: &str) -> Result<(), SpecError> {
    if value.len() > TEXT_LEN_MAX {
        return Err(SpecError::TooLong { field: format!("config.{key}") });
    }
    if value.chars().any(char::is_control) {
        return Err(SpecError::BadCharacters { field: format!("config.{key}"), value: value.to_owned() });
    }
    Ok(())
}

fn put(hasher: &mut Sha256, bytes: &[u8]) {
    // Lengths are u32 so that wasm32 and 64-bit hosts hash the same bytes.
    let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
    hasher.update(len.to_le_bytes());
    hasher.update(bytes);
}

fn put_map(hasher: &mut Sha256, map: &BTreeMap<String, String>) {
    let len = u32::try_from(map.len()).unwrap_or(u32::MAX);
    hasher.update(len.to_le_bytes());
    for (key, value) in map {
        put(hasher, key.as_bytes());
        put(hasher, value.as_bytes());
    }
}

/// An image in the registry: a validated spec and the digest it hashes to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Image {
    /// The content address.
    pub digest: Digest,
    /// What the image contains.
    pub spec: ImageSpec,
    /// The tick the image was first built.
    pub built_tick: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> ImageSpec {
        serde_json::from_str(
            r#"{"base":"ubuntu-22.04","packages":{"openssl":"3.0.2","nodejs":"18.16.0"},
                "app_version":"1.0.0","config":{"LOG_LEVEL":"info"}}"#,
        )
        .unwrap()
    }

    #[test]
    fn same_spec_gives_same_digest_whatever_the_field_order() {
        let reordered: ImageSpec = serde_json::from_str(
            r#"{"config":{"LOG_LEVEL":"info"},"app_version":"1.0.0",
                "packages":{"nodejs":"18.16.0","openssl":"3.0.2"},"base":"ubuntu-22.04"}"#,
        )
        .unwrap();
        assert_eq!(spec().digest(), reordered.digest());
    }

    #[test]
    fn any_one_field_change_changes_the_digest() {
        let original = spec().digest();
        let changes: [fn(&mut ImageSpec); 5] = [
            |s| s.base = "debian-12".into(),
            |s| s.app_version = "1.0.1".into(),
            |s| {
                s.packages.insert("openssl".into(), "3.0.13".into());
            },
            |s| {
                s.packages.insert("curl".into(), "7.81.0".into());
            },
            |s| {
                s.config.insert("LOG_LEVEL".into(), "debug".into());
            },
        ];
        for change in changes {
            let mut changed = spec();
            change(&mut changed);
            assert_ne!(changed.digest(), original, "{changed:?}");
        }
    }

    #[test]
    fn moving_text_between_fields_changes_the_digest() {
        // Length prefixes keep `base=ab, app=c` apart from `base=a, app=bc`.
        let mut left = spec();
        left.base = "ab".into();
        left.app_version = "c".into();
        let mut right = spec();
        right.base = "a".into();
        right.app_version = "bc".into();
        assert_ne!(left.digest(), right.digest());
    }

    #[test]
    fn invalid_specs_name_the_field() {
        let empty_base = serde_json::from_str::<ImageSpec>(r#"{"base":"","app_version":"1"}"#);
        assert!(empty_base.unwrap_err().to_string().contains("must not be empty"));
        let spaced = serde_json::from_str::<ImageSpec>(
            r#"{"base":"ubuntu","app_version":"1","packages":{"openssl":"3 0"}}"#,
        );
        assert!(spaced.unwrap_err().to_string().contains("version of openssl"));
        let unknown = serde_json::from_str::<ImageSpec>(r#"{"base":"u","app_version":"1","os":"x"}"#);
        assert!(unknown.unwrap_err().to_string().contains("unknown field `os`"));
    }
}
