//! What the ports of upstream test tables share: the rows left out, each with its reason.

/// An upstream row the lab does not run: (test function, row, why not).
pub type NotExpressed = (&'static str, &'static str, &'static str);

/// Every row left out names its upstream test and row and says why, so a reader sees what the lab
/// does not model.
pub fn assert_each_says_why(not_expressed: &[NotExpressed]) {
    assert!(!not_expressed.is_empty(), "the lab leaves some upstream rows out; they are listed here");
    for (test, row, reason) in not_expressed {
        assert!(test.starts_with("Test") && !row.is_empty(), "{test}/{row}");
        assert!(!reason.trim().is_empty(), "{test}/{row} needs a reason");
    }
}
