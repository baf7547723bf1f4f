//! The words of the pattern, explained in a sentence or two each. Lessons link to them with
//! `[term]`; the glossary page lists them.

/// `(term, explanation)`, in alphabetical order. Other spellings a lesson may use are listed in
/// [`ALIASES`].
pub const TERMS: &[(&str, &str)] = &[
    (
        "analysis",
        "Automatic measurement of a new version while it takes traffic: its error rate and latency are compared with thresholds, and a failure stops the rollout by itself. An undecided result pauses the rollout for a person.",
    ),
    (
        "argo rollouts",
        "A Kubernetes controller that adds canary and blue-green rollouts, with analysis, to what a Deployment does. People drive it with the `kubectl argo rollouts` plugin: get, promote, abort, retry.",
    ),
    (
        "auto scaling group",
        "An AWS group of EC2 servers launched from one launch template and kept at a wanted size: it replaces servers that fail their health checks and, with an [instance refresh], all of them.",
    ),
    (
        "blast radius",
        "How many users or requests a bad change can reach before it is stopped. A canary keeps it small by giving the new version a small share first.",
    ),
    (
        "blue-green",
        "Two complete fleets: blue serves users while green, the new version, is started and tested beside it. Promotion switches all traffic at once; switching back is just as quick while blue is still running.",
    ),
    (
        "break-glass",
        "Emergency access to a server that policy normally forbids. It is logged, and on an immutable fleet the touched server is marked to be replaced afterwards, so the exception does not become drift.",
    ),
    (
        "canary",
        "A new version given to a small share of users first, then more in steps, with [analysis] watching it. A bad canary is stopped while its [blast radius] is still small.",
    ),
    (
        "cattle",
        "Servers treated as interchangeable and numbered, not named: one that misbehaves is replaced, not nursed. The opposite of a [pet].",
    ),
    (
        "configuration management",
        "Tools that log into running servers and push them towards a described state (Ansible, Puppet, Chef). They fix only what they manage; anything else changed by hand stays, which is how servers drift apart.",
    ),
    (
        "content addressing",
        "Naming something by a hash of its content. The same image spec always gives the same [digest], and any change, however small, gives a different one.",
    ),
    (
        "digest",
        "An image's content hash, such as `sha256:3f9c…`. Unlike a tag it can never point to something else, so deploying by digest runs exactly what was tested.",
    ),
    (
        "drift",
        "The slow divergence of a server from its image: hotfixes, manual upgrades, debugging tools, cron jobs. Each change is small; together they make every server different.",
    ),
    (
        "exposure window",
        "How long a fleet runs a known-vulnerable version: from the advisory until the last vulnerable server is gone. Build time plus rollout time, when fixes are new images.",
    ),
    (
        "golden image",
        "A server image with everything baked in: OS, packages, runtime, application, configuration. Every server launched from it starts identical.",
    ),
    (
        "immutable infrastructure",
        "Servers that are never changed after launch. A change means a new [golden image] and new servers built from it replacing the old ones.",
    ),
    (
        "immutable tag",
        "A registry setting that refuses to move a tag once it names an image, so `v1.4.2` means the same thing forever.",
    ),
    (
        "instance refresh",
        "AWS Auto Scaling's way to replace a group's servers in batches while keeping a minimum healthy percentage, pausing at checkpoints and rolling back on failure.",
    ),
    (
        "launch template",
        "What a fleet launches new servers from: the image (by tag or [digest]) and settings. A tag in it is looked up again at each launch.",
    ),
    (
        "maturity level",
        "How far a team has gone from hand-built servers (level 1) through scripted and configuration-managed ones to images built by a pipeline and servers replaced, never changed (level 5).",
    ),
    (
        "mutable infrastructure",
        "Servers that are updated in place: logged into, patched, reconfigured. Cheap per change, but every change is a chance to [drift].",
    ),
    (
        "pet",
        "A server with a name that is cared for by hand and cannot be replaced without fuss. Pets tend to become [snowflake]s.",
    ),
    (
        "phoenix server",
        "A server regularly burned down and rebuilt from its image, on purpose, so no drift or intruder survives for long.",
    ),
    (
        "pipeline",
        "The automated path from a change to production: build the image, test it, scan it, promote the same [digest] through environments, with an approval where needed.",
    ),
    (
        "recreate",
        "The simplest deployment: stop every old server, then start the new ones. Nothing old and new at once, and an outage in between.",
    ),
    (
        "rollback",
        "Going back to the last known good version. With images that is a redeploy of an old [digest], not an attempt to undo changes on running servers.",
    ),
    (
        "rolling update",
        "Replacing servers a few at a time: `maxSurge` says how many extra may run, `maxUnavailable` how many may be missing, so capacity never drops below a floor.",
    ),
    (
        "snowflake",
        "A server unlike any other because of the changes made to it by hand: unique, fragile, and impossible to rebuild exactly.",
    ),
    (
        "tag",
        "A movable name for an image in a registry, such as `v1.4.2`, `production` or `latest`. Convenient, but it can be moved to another image.",
    ),
];

/// Other spellings lessons use, and the entry they mean.
const ALIASES: &[(&str, &str)] =
    &[("cattle not pets", "cattle"), ("pets", "pet"), ("snowflakes", "snowflake")];

/// The entry a term refers to, if the glossary has it.
pub fn lookup(term: &str) -> Option<&'static str> {
    let term = term.to_ascii_lowercase();
    let term =
        ALIASES.iter().find(|(alias, _)| *alias == term).map_or(term.as_str(), |(_, entry)| entry).to_owned();
    TERMS.iter().find(|(name, _)| *name == term).map(|(name, _)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_term_linked_from_a_lesson_or_the_glossary_has_an_entry() {
        let mut texts: Vec<String> = TERMS.iter().map(|(_, text)| (*text).to_owned()).collect();
        for lesson in crate::platform::lessons::built_in().iter() {
            texts.extend(lesson.intro.iter().cloned());
            texts.extend(lesson.hints.iter().cloned());
            texts.extend(lesson.goal.iter().map(|a| a.text.clone()));
            texts.push(lesson.takeaway.clone());
        }
        for text in texts {
            for span in crate::text::markdown::spans(&text) {
                if let crate::text::markdown::Span::Term(term) = span {
                    assert!(lookup(&term).is_some(), "`[{term}]` has no glossary entry");
                }
            }
        }
        let mut sorted: Vec<&str> = TERMS.iter().map(|(term, _)| *term).collect();
        sorted.sort_unstable();
        assert_eq!(sorted, TERMS.iter().map(|(term, _)| *term).collect::<Vec<_>>(), "alphabetical");
    }
}
