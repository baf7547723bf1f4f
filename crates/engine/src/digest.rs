//! Content addresses: the sha256 digests that name images and traces.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest as _, Sha256};

/// A sha256 digest, written `sha256:` followed by 64 lowercase hex characters.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Digest([u8; 32]);

/// Why a string is not a digest.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DigestParseError {
    /// The `sha256:` prefix is missing.
    #[error("a digest starts with `sha256:`, got `{0}`")]
    MissingPrefix(String),
    /// The part after the prefix is not 64 hex characters.
    #[error("a digest has 64 hex characters after `sha256:`, got `{0}`")]
    BadHex(String),
}

impl Digest {
    /// Number of hex characters in the short form shown on fleet tiles and in tables.
    pub const SHORT_HEX_LEN: usize = 12;

    /// The digest of `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        Self::from_hasher(Sha256::new_with_prefix(bytes))
    }

    /// Finishes a running sha256 computation.
    pub(crate) fn from_hasher(hasher: Sha256) -> Self {
        Self(hasher.finalize().into())
    }

    /// The raw 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The 64 hex characters, without the `sha256:` prefix.
    pub fn hex(&self) -> String {
        hex::encode(self.0)
    }

    /// The first twelve hex characters: enough to tell images apart on screen.
    pub fn short(&self) -> String {
        let mut text = self.hex();
        text.truncate(Self::SHORT_HEX_LEN);
        text
    }

    /// Parses `sha256:<64 hex>`.
    pub fn parse(text: &str) -> Result<Self, DigestParseError> {
        let hex_part =
            text.strip_prefix("sha256:").ok_or_else(|| DigestParseError::MissingPrefix(text.to_owned()))?;
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(hex_part, &mut bytes).map_err(|_| DigestParseError::BadHex(text.to_owned()))?;
        Ok(Self(bytes))
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sha256:{}", self.hex())
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sha256:{}", self.short())
    }
}

impl Serialize for Digest {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Digest {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_and_parse_round_trip() {
        let digest = Digest::of(b"golden image");
        let text = digest.to_string();
        assert!(text.starts_with("sha256:"));
        assert_eq!(text.len(), 7 + 64);
        assert_eq!(Digest::parse(&text), Ok(digest));
        assert_eq!(digest.short().len(), 12);
        assert!(text[7..].starts_with(&digest.short()));
    }

    #[test]
    fn parse_rejects_what_is_not_a_digest() {
        assert!(matches!(Digest::parse("abc"), Err(DigestParseError::MissingPrefix(_))));
        assert!(matches!(Digest::parse("sha256:xyz"), Err(DigestParseError::BadHex(_))));
    }
}
