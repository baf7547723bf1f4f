use super::*;

fn spec() -> ImageSpec {
    serde_json::from_str(
        r#"{"base":"ubuntu-22.04","packages":{"openssl":"3.0.11","curl":"7.81.0"},
            "runtime":{"name":"nodejs","version":"20.9.0"},
            "app_version":"1.0.0","config":{"LOG_LEVEL":"info"}}"#,
    )
    .unwrap()
}

/// Indices of the layers whose digests differ between two specs.
fn changed_layers(a: &ImageSpec, b: &ImageSpec) -> Vec<usize> {
    let (left, right) = (a.layers(), b.layers());
    (0..LAYER_COUNT).filter(|&i| left[i].digest != right[i].digest).collect()
}

#[test]
fn same_spec_gives_same_digest_whatever_the_field_order() {
    let reordered: ImageSpec = serde_json::from_str(
        r#"{"config":{"LOG_LEVEL":"info"},"app_version":"1.0.0",
            "runtime":{"version":"20.9.0","name":"nodejs"},
            "packages":{"curl":"7.81.0","openssl":"3.0.11"},"base":"ubuntu-22.04"}"#,
    )
    .unwrap();
    assert_eq!(spec().digest(), reordered.digest());
    assert_eq!(spec().layers(), reordered.layers());
}

#[test]
fn a_change_rebuilds_exactly_its_layer_and_those_above() {
    type Change = (fn(&mut ImageSpec), usize);
    let changes: [Change; 9] = [
        (|s| s.base = "debian-12".into(), 0),
        (|s| s.base_snapshot = 20261121, 0),
        (|s| s.minimal_base = true, 0),
        (
            |s| {
                s.packages.insert("openssl".into(), "3.0.12".into());
            },
            1,
        ),
        (
            |s| {
                s.packages.insert("nginx".into(), "1.24.0".into());
            },
            1,
        ),
        (|s| s.runtime.as_mut().unwrap().version = "20.10.0".into(), 2),
        (|s| s.app_version = "1.0.1".into(), 3),
        (|s| s.multi_stage = true, 3),
        (
            |s| {
                s.config.insert("LOG_LEVEL".into(), "debug".into());
            },
            4,
        ),
    ];
    for (change, first_changed) in changes {
        let mut changed = spec();
        change(&mut changed);
        assert_ne!(changed.digest(), spec().digest(), "{changed:?}");
        let expected: Vec<usize> = (first_changed..LAYER_COUNT).collect();
        assert_eq!(changed_layers(&spec(), &changed), expected, "{changed:?}");
    }
}

#[test]
fn moving_text_between_fields_changes_the_digest() {
    // Length prefixes keep `base=ab, app=c` apart from `base=a, app=bc`.
    let mut left = spec();
    left.base = "ab".into();
    left.app_version = "1c".into();
    let mut right = spec();
    right.base = "a".into();
    right.app_version = "b1c".into();
    assert_ne!(left.layers()[0].digest, right.layers()[0].digest);
}

#[test]
fn minimal_bases_and_multi_stage_builds_shrink_the_image() {
    let full = spec();
    let mut slim = spec();
    slim.minimal_base = true;
    slim.multi_stage = true;
    assert!(slim.size_kb() * 2 < full.size_kb(), "{} vs {}", slim.size_kb(), full.size_kb());
    assert!(slim.layers()[0].size_kb < full.layers()[0].size_kb);
    assert!(slim.layers()[3].size_kb < full.layers()[3].size_kb);
}

#[test]
fn invalid_specs_name_the_field() {
    let cases = [
        (r#"{"base":"","app_version":"1"}"#, "must not be empty"),
        (r#"{"base":"ubuntu","app_version":"one"}"#, "is not a version"),
        (r#"{"base":"ubuntu","app_version":"1","packages":{"openssl":"3 0"}}"#, "version of openssl"),
        (
            r#"{"base":"ubuntu","app_version":"1","packages":{"openssl":"3.0.1","openssl":"3.0.2"}}"#,
            "duplicate package `openssl`",
        ),
        (r#"{"base":"u","app_version":"1","os":"x"}"#, "unknown field `os`"),
        (r#"{"base":"u","app_version":"1","runtime":{"name":"node","version":"x"}}"#, "runtime.version"),
    ];
    for (text, expected) in cases {
        let error = serde_json::from_str::<ImageSpec>(text).unwrap_err().to_string();
        assert!(error.contains(expected), "{text}: {error}");
    }
}

#[test]
fn validate_checks_specs_built_in_code() {
    let mut bad = spec();
    bad.packages.insert("openssl".into(), "latest".into());
    assert_eq!(
        bad.validate().unwrap_err().to_string(),
        "`packages.openssl` is not a version: it must start with a digit and use only letters, digits and . + ~ : _ - (got `latest`)"
    );
    assert!(spec().validate().is_ok());
}
