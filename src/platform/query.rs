//! What the page's URL asks for: `?scenario=<name>&ticks=<N>&fleet=<N>`.

use lab_engine::Limits;

/// The parsed query, plus the problems found in it (shown to the learner, never fatal).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageQuery {
    /// A built-in scenario's name.
    pub scenario: Option<String>,
    /// Run this many ticks before showing the page (for share links and tests).
    pub ticks: Option<u64>,
    /// Override the scenario's fleet size.
    pub fleet: Option<u32>,
    /// Open the mutable-versus-immutable comparison of this built-in scenario.
    pub compare: Option<String>,
    /// Open a built-in lesson by id.
    pub lesson: Option<String>,
    /// Show the list of lessons.
    pub lessons_index: bool,
    /// A whole lesson in the link (base64url JSON): a teacher's exercise that needs no file.
    pub lesson_data: Option<String>,
    /// The compact lab for iframes, of a built-in lesson or scenario.
    pub embed: Option<String>,
    /// Show the glossary.
    pub glossary: bool,
    /// Show the guide.
    pub guide: bool,
    /// Show the lesson builder.
    pub builder: bool,
    /// Share links: the session's seed, tick reached and action log (raw; `share` reads them).
    pub share_seed: Option<String>,
    /// See `share_seed`.
    pub share_at: Option<String>,
    /// See `share_seed`.
    pub share_log: Option<String>,
    /// One sentence per parameter that could not be used.
    pub problems: Vec<String>,
    /// The URL asks for the lab itself (a scenario, a lesson, a share link or their settings), even
    /// if what it asks for turns out to be unusable.
    pub lab_asked: bool,
}

/// The page a URL opens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// Nothing in particular asked for.
    Welcome,
    /// The lab: a scenario, a lesson or a shared session.
    Lab,
    /// The curriculum.
    Lessons,
    /// The guide.
    Guide,
    /// The glossary.
    Glossary,
    /// The lesson builder.
    Builder,
    /// The compact lab for iframes.
    Embed(String),
    /// The mutable-versus-immutable comparison of a scenario.
    Compare(String),
}

/// Most ticks a URL may ask to pre-run; keeps a hostile link from freezing the tab.
pub const TICKS_MAX: u64 = 100_000;
/// Most instance-ticks a URL may ask to pre-run (ticks times fleet size): about a second of work
/// at the largest fleet, however the two are combined.
pub const PRE_RUN_INSTANCE_TICKS_MAX: u64 = 20_000_000;
/// The longest lesson a link may carry (base64url characters): several times the largest built-in
/// lesson, and a decode-and-check that takes a moment rather than freezing the page.
pub const LESSON_DATA_CHARS_MAX: usize = 40_000;
/// The longest value of any other parameter (names, numbers): longer ones are no name the lab has.
const VALUE_CHARS_MAX: usize = 100;

impl PageQuery {
    /// Parses a query string such as `?scenario=demo&ticks=40`. Unknown keys are ignored.
    pub fn parse(search: &str) -> Self {
        let mut query = PageQuery::default();
        for pair in search.trim_start_matches('?').split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            // The action log has its own limit, read where it is decoded (`share::parse`).
            let limit = match key {
                "lesson-data" => LESSON_DATA_CHARS_MAX,
                "log" => usize::MAX,
                _ => VALUE_CHARS_MAX,
            };
            if value.len() > limit {
                let what = if key == "lesson-data" { "the lesson in the link" } else { "a link parameter" };
                let shown: String = key.chars().take(20).collect();
                query.problems.push(format!(
                    "{what} (`{shown}`) is {} characters long; at most {limit} fit, so it was ignored",
                    value.len()
                ));
                continue;
            }
            query.lab_asked |= matches!(
                key,
                "scenario" | "lesson" | "lesson-data" | "seed" | "at" | "log" | "ticks" | "fleet"
            );
            match key {
                "scenario" => query.scenario = Some(value.to_owned()),
                "compare" => query.compare = Some(value.to_owned()),
                "lesson" => query.lesson = Some(value.to_owned()),
                "lessons" => query.lessons_index = true,
                "embed" => query.embed = Some(value.to_owned()),
                "lesson-data" => query.lesson_data = Some(value.to_owned()),
                "glossary" => query.glossary = true,
                "guide" => query.guide = true,
                "builder" => query.builder = true,
                "seed" => query.share_seed = Some(value.to_owned()),
                "at" => query.share_at = Some(value.to_owned()),
                "log" => query.share_log = Some(value.to_owned()),
                "ticks" => match value.parse::<u64>() {
                    Ok(ticks) if ticks <= TICKS_MAX => query.ticks = Some(ticks),
                    _ => query
                        .problems
                        .push(format!("`ticks={value}` is not a number from 0 to {TICKS_MAX}; ignored")),
                },
                "fleet" => match value.parse::<u32>() {
                    Ok(size) if (1..=Limits::FLEET_MAX).contains(&size) => query.fleet = Some(size),
                    _ => query.problems.push(format!(
                        "`fleet={value}` is not a fleet size from 1 to {}; ignored",
                        Limits::FLEET_MAX
                    )),
                },
                _ => {}
            }
        }
        query
    }

    /// The page to show: a page asked for by name first, then the lab, else the welcome.
    pub fn route(&self) -> Route {
        if let Some(name) = &self.embed {
            Route::Embed(name.clone())
        } else if self.builder {
            Route::Builder
        } else if self.guide {
            Route::Guide
        } else if self.glossary {
            Route::Glossary
        } else if self.lessons_index {
            Route::Lessons
        } else if let Some(name) = &self.compare {
            Route::Compare(name.clone())
        } else if self.lab_asked {
            Route::Lab
        } else {
            Route::Welcome
        }
    }

    /// Whether the page is one of the lab's (`index.html`, downloaded by every visit: the welcome,
    /// the lab with its lessons, embeds) rather than one of the other screens' (`screens.html`,
    /// their own download, fetched only when one is opened).
    pub fn on_lab_page(&self) -> bool {
        matches!(self.route(), Route::Welcome | Route::Lab | Route::Embed(_))
    }

    /// Whether the page shows or checks lessons, so it waits for the curriculum to load.
    pub fn needs_lessons(&self) -> bool {
        match self.route() {
            Route::Lab => self.lesson.is_some() || self.lesson_data.is_some(),
            Route::Welcome | Route::Lessons | Route::Guide | Route::Builder | Route::Embed(_) => true,
            Route::Glossary | Route::Compare(_) => false,
        }
    }
}

/// The address of the page `query` (`?lessons`, `?lesson=…`) opens, relative to this one: the
/// lab's pages are `index.html`'s (`./?…`), the other screens `screens.html`'s. Links go straight to
/// the right page; an old link to the wrong one is sent on by the page it reaches.
pub fn href(query: &str) -> String {
    let search = query.split('#').next().unwrap_or_default();
    let page = if PageQuery::parse(search).on_lab_page() { "./" } else { "screens.html" };
    format!("{page}{query}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_go_to_the_page_that_draws_them() {
        assert_eq!(href("?lesson=cattle-not-pets"), "./?lesson=cattle-not-pets");
        assert_eq!(href("?scenario=sandbox"), "./?scenario=sandbox");
        assert_eq!(href("?embed=demo"), "./?embed=demo");
        assert_eq!(href(""), "./");
        assert_eq!(href("?lessons"), "screens.html?lessons");
        assert_eq!(href("?glossary#term-digest"), "screens.html?glossary#term-digest");
        assert_eq!(href("?compare=seed-004"), "screens.html?compare=seed-004");
        assert_eq!(href("?builder&scenario=demo&at=3&log="), "screens.html?builder&scenario=demo&at=3&log=");
        assert_eq!(href("?guide"), "screens.html?guide");
    }

    #[test]
    fn reads_known_parameters() {
        let query = PageQuery::parse("?scenario=demo&ticks=40&fleet=1000&utm=x");
        assert_eq!(query.scenario.as_deref(), Some("demo"));
        assert_eq!((query.ticks, query.fleet), (Some(40), Some(1000)));
        assert!(query.problems.is_empty());
    }

    #[test]
    fn the_route_follows_the_page_asked_for_and_else_welcomes() {
        assert_eq!(PageQuery::parse("").route(), Route::Welcome);
        assert_eq!(PageQuery::parse("?utm_source=x").route(), Route::Welcome);
        assert_eq!(PageQuery::parse("?scenario=demo").route(), Route::Lab);
        assert_eq!(PageQuery::parse("?lesson=thirty-snowflakes").route(), Route::Lab);
        // A lab parameter that cannot be used still opens the lab, which says what was wrong.
        assert_eq!(PageQuery::parse("?fleet=1000000").route(), Route::Lab);
        assert_eq!(PageQuery::parse("?lessons").route(), Route::Lessons);
        assert_eq!(PageQuery::parse("?compare=seed-004").route(), Route::Compare("seed-004".into()));
        assert_eq!(PageQuery::parse("?embed=demo&scenario=x").route(), Route::Embed("demo".into()));
        assert!(PageQuery::parse("").needs_lessons());
        assert!(!PageQuery::parse("?scenario=demo").needs_lessons());
    }

    #[test]
    fn reports_bad_values_instead_of_failing() {
        let query = PageQuery::parse("?ticks=-1&fleet=0");
        assert_eq!((query.ticks, query.fleet), (None, None));
        assert_eq!(query.problems.len(), 2);
        assert!(query.problems[0].contains("ticks=-1"));
    }

    #[test]
    fn over_long_parameters_are_refused_before_anything_reads_them() {
        let query = PageQuery::parse(&format!("?lesson-data={}", "A".repeat(LESSON_DATA_CHARS_MAX + 1)));
        assert_eq!(query.lesson_data, None);
        assert!(
            query.problems[0]
                .contains("the lesson in the link (`lesson-data`) is 40001 characters long; at most 40000"),
            "{:?}",
            query.problems
        );
        let query = PageQuery::parse(&format!("?scenario={}", "x".repeat(5_000)));
        assert_eq!(query.scenario, None);
        assert!(query.problems[0].contains("is 5000 characters long; at most 100"), "{:?}", query.problems);
    }
}
