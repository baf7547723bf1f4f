//! The secret scan: configuration values that look like credentials baked into an image. Anyone
//! who can pull the image can read them, and every copy of the image carries them forever.

use crate::ImageSpec;

/// Key fragments that name a credential.
const SECRET_KEY_PARTS: [&str; 7] =
    ["PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY", "PRIVATE_KEY", "ACCESS_KEY"];
/// Value prefixes that are references to a secret store, resolved at runtime: those are fine.
const RUNTIME_REFERENCES: [&str; 4] = ["${", "vault:", "ssm:", "secretsmanager:"];

/// The first config entry that holds a literal secret, with the reason it was flagged.
pub fn find_baked_secret(spec: &ImageSpec) -> Option<(String, &'static str)> {
    spec.config.iter().find_map(|(key, value)| {
        if value.is_empty() || RUNTIME_REFERENCES.iter().any(|prefix| value.starts_with(prefix)) {
            return None;
        }
        let upper = key.to_ascii_uppercase();
        if SECRET_KEY_PARTS.iter().any(|part| upper.contains(part)) {
            return Some((key.clone(), "its name says it is a credential and its value is a literal"));
        }
        if looks_like_access_key(value) {
            return Some((key.clone(), "its value has the shape of a cloud access key"));
        }
        if value.contains("-----BEGIN") {
            return Some((key.clone(), "its value holds a PEM private key"));
        }
        None
    })
}

/// `AKIA` followed by sixteen upper-case letters or digits: the shape of an AWS access key id.
fn looks_like_access_key(value: &str) -> bool {
    value.as_bytes().windows(20).any(|window| {
        window.starts_with(b"AKIA")
            && window[4..].iter().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_config(key: &str, value: &str) -> ImageSpec {
        let mut spec = ImageSpec::new("ubuntu-22.04", "1.0.0");
        spec.config.insert(key.into(), value.into());
        spec
    }

    #[test]
    fn literal_credentials_are_found() {
        assert_eq!(find_baked_secret(&with_config("DB_PASSWORD", "hunter2")).unwrap().0, "DB_PASSWORD");
        assert!(find_baked_secret(&with_config("UPSTREAM", "key AKIAIOSFODNN7EXAMPLE")).is_some());
        assert!(find_baked_secret(&with_config("TLS", "-----BEGIN PRIVATE KEY-----")).is_some());
    }

    #[test]
    fn references_resolved_at_runtime_and_ordinary_values_pass() {
        assert!(find_baked_secret(&with_config("DB_PASSWORD", "${DB_PASSWORD}")).is_none());
        assert!(find_baked_secret(&with_config("API_TOKEN", "vault:secret/data/app#token")).is_none());
        assert!(find_baked_secret(&with_config("LOG_LEVEL", "info")).is_none());
    }
}
