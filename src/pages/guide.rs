//! The guide (`?guide`): the pattern explained module by module, each part with a live, embedded
//! lab to try it in and links to the lessons that practise it. The same embeds work in anyone's
//! documentation: `<iframe src="…/?embed=canary-bad">`.

use yew::prelude::*;

use crate::text::markdown::render;

/// One part of the guide: its module (matching the lessons'), paragraphs, and what to embed.
struct Part {
    module: &'static str,
    paragraphs: &'static [&'static str],
    /// A built-in scenario or lesson shown live beside the text.
    embed: &'static str,
    /// What to do in the embed.
    try_it: &'static str,
}

const PARTS: &[Part] = &[
    Part {
        module: "Drift and snowflakes",
        paragraphs: &[
            "A server that people log into changes. A hotfix here, a newer runtime there, a debugging tool, a cron job: each change is reasonable, and after a few months no two servers are alike. They have become [snowflake]s, and the next fleet-wide patch fails on exactly the ones nobody knew were different.",
            "[Configuration management] narrows the gap but cannot close it: it puts back what it manages and cannot see the rest. The immutable answer is to stop changing servers at all — a change is a new image, and new servers built from it replace the old ones.",
        ],
        embed: "seed-004",
        try_it: "Press Play: thirty servers drift, then an in-place OpenSSL patch fails on two of them. The event log says why.",
    },
    Part {
        module: "Golden images",
        paragraphs: &[
            "A [golden image] holds everything a server needs: the OS, packages, runtime, application and configuration. Its name is a [digest] of its content, so the same spec always gives the same digest and any change gives a new one — you can tell at a glance whether two servers run the same thing.",
            "Keep images small (a minimal base, build tools left behind by a multi-stage build): every launch pulls the image, so size is deploy time. Keep servers stateless: data written to a server's own disk is lost when it is replaced.",
        ],
        embed: "demo",
        try_it: "Press Play and watch a rolling update replace every server with instances of the new image.",
    },
    Part {
        module: "The image pipeline",
        paragraphs: &[
            "Images come from a [pipeline]: build, test, scan for known vulnerabilities and baked-in secrets, then promote the **same digest** through dev, staging and production, with an approval before production. Nothing is rebuilt per environment, so what reaches production is what was tested.",
            "Deploy by digest, not by a movable [tag]: a fleet that launches from `latest` picks up whatever the tag names at the moment each server starts, and ends up split across images.",
        ],
        embed: "latest-trap",
        try_it: "Press Play: the tag moves while the fleet scales out, and the legend shows two images in one revision.",
    },
    Part {
        module: "Deployment strategies",
        paragraphs: &[
            "Replacing servers safely is the work of a deployment strategy. [Recreate] stops everything first and has an outage. A [rolling update] replaces a few at a time within `maxSurge` and `maxUnavailable`. [Blue-green] starts a whole new fleet beside the old and switches traffic at once, so switching back is instant. A [canary] gives the new version a small share of traffic first while [analysis] watches its errors and latency.",
            "The lab follows the real controllers' arithmetic (Kubernetes, Argo Rollouts, AWS instance refresh), rounding included, so what you see is what a cluster would do.",
        ],
        embed: "canary-bad",
        try_it: "Press Play: a buggy release goes out as a canary, analysis measures its error rate, and the rollout is aborted with the reason shown.",
    },
    Part {
        module: "Operating immutable fleets",
        paragraphs: &[
            "Day-to-day operation becomes replacement: an unhealthy server is replaced, not repaired; a bad release is rolled back by deploying the last good digest; servers older than a maximum age are recycled, so an intruder's foothold does not outlive them ([phoenix server]).",
            "When an advisory lands, the fix is a new image, and the [exposure window] is the build plus the rollout. A fast pipeline and small images are security features.",
        ],
        embed: "instance-refresh",
        try_it: "Press Play: an instance refresh replaces the fleet in batches and waits at its checkpoint.",
    },
    Part {
        module: "Judgement and maturity",
        paragraphs: &[
            "Immutability is not free. Legacy applications that must be patched in place, large stateful systems that cannot simply be replaced, and teams without image-building and provisioning tools may be better served by careful configuration management for now.",
            "Teams usually climb step by step: hand-built servers (level 1), configuration management (level 2), golden images replaced rather than changed (level 3), containers on an orchestrator (level 4), and everything immutable with images built on every commit (level 5). The lessons end with that ladder.",
        ],
        embed: "blue-green",
        try_it: "Press Play: blue-green brings up a full preview, then switches all traffic at once.",
    },
];

#[component]
pub fn GuidePage() -> Html {
    let lessons = crate::platform::lessons::built_in();
    let modules = crate::platform::lessons::modules(&lessons);
    html! {
        <main id="guide" data-ready="true">
            <crate::components::Masthead tagline={AttrValue::from("Guide: the pattern in six parts")} here="?guide" />
            { for PARTS.iter().enumerate().map(|(index, part)| {
                let practice = modules.iter().find(|(module, _)| module == part.module).map(|(_, members)| members.clone()).unwrap_or_default();
                html! {
                    <section class="card guide-part" key={part.module} aria-labelledby={format!("part-{index}")}>
                        <h2 id={format!("part-{index}")}>{ format!("{}. {}", index + 1, part.module) }</h2>
                        { for part.paragraphs.iter().enumerate().map(|(n, text)| html! { <p key={n}>{ render(text) }</p> }) }
                        <p class="try-it"><strong>{"Try it: "}</strong>{ part.try_it }</p>
                        <iframe class="guide-embed" src={format!("./?embed={}", part.embed)} title={format!("Live lab: {}", part.module)} loading="lazy" />
                        if !practice.is_empty() {
                            <p class="small">{"Practise: "}
                                { for practice.iter().enumerate().map(|(n, lesson)| html! {
                                    <>
                                        if n > 0 { {" · "} }
                                        <a href={crate::platform::query::href(&format!("?lesson={}", lesson.id))}>{ lesson.title.clone() }</a>
                                    </>
                                }) }
                            </p>
                        }
                    </section>
                }
            }) }
        </main>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_part_embeds_something_that_exists_and_matches_a_lesson_module() {
        let lessons = crate::platform::lessons::built_in();
        for part in super::PARTS {
            let known = lab_engine::builtin::scenario(part.embed).is_some()
                || crate::platform::lessons::find(part.embed).is_some();
            assert!(known, "{} embeds `{}`", part.module, part.embed);
            assert!(lessons.iter().any(|l| l.module == part.module), "no lessons in module {}", part.module);
        }
    }
}
