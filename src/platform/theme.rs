//! The page's look: light, dark, or projector (light with larger type and stronger contrast, for a
//! classroom wall). It follows the system's light or dark preference until the learner picks one,
//! and the pick is kept in the browser for every page of the lab.

use crate::platform::saved::Store;

/// Where the pick is kept.
pub const THEME_KEY: &str = "immutable-lab.theme.v1";

/// What the learner picked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThemeChoice {
    /// Light or dark, as the system prefers.
    System,
    Light,
    Dark,
    Projector,
}

/// A theme as shown: the stylesheet's `data-theme` value on the root element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
    Projector,
}

impl ThemeChoice {
    /// In the order the switch offers them.
    pub const ALL: [ThemeChoice; 4] =
        [ThemeChoice::System, ThemeChoice::Light, ThemeChoice::Dark, ThemeChoice::Projector];

    /// The name it is kept and offered under.
    pub fn name(self) -> &'static str {
        match self {
            ThemeChoice::System => "system",
            ThemeChoice::Light => "light",
            ThemeChoice::Dark => "dark",
            ThemeChoice::Projector => "projector",
        }
    }

    /// Words for the switch.
    pub fn label(self) -> &'static str {
        match self {
            ThemeChoice::System => "Like the system",
            ThemeChoice::Light => "Light",
            ThemeChoice::Dark => "Dark",
            ThemeChoice::Projector => "Projector",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|choice| choice.name() == name)
    }

    /// The theme shown, given whether the system prefers dark.
    pub fn resolve(self, system_prefers_dark: bool) -> Theme {
        match self {
            ThemeChoice::System if system_prefers_dark => Theme::Dark,
            ThemeChoice::System | ThemeChoice::Light => Theme::Light,
            ThemeChoice::Dark => Theme::Dark,
            ThemeChoice::Projector => Theme::Projector,
        }
    }
}

impl Theme {
    /// The root element's `data-theme`.
    pub fn name(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
            Theme::Projector => "projector",
        }
    }
}

/// The kept pick; anything unreadable (another version's value, storage switched off) reads as
/// following the system, and is left where it is.
pub fn load(store: &dyn Store) -> ThemeChoice {
    store
        .get(THEME_KEY)
        .ok()
        .flatten()
        .and_then(|name| ThemeChoice::from_name(&name))
        .unwrap_or(ThemeChoice::System)
}

/// Keeps the pick; says why not when the browser refuses (the theme still changes for this page).
pub fn save(store: &dyn Store, choice: ThemeChoice) -> Result<(), String> {
    crate::platform::saved::write_confirmed(store, THEME_KEY, choice.name())
}

/// Shows `choice`: the root element's `data-theme`, and the canvases' paper.
pub fn apply(choice: ThemeChoice) -> Theme {
    let system_prefers_dark = web_sys::window()
        .and_then(|window| window.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|query| query.matches());
    let theme = choice.resolve(system_prefers_dark);
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute("data-theme", theme.name());
    }
    use crate::canvas::palette;
    palette::set_canvas(match theme {
        Theme::Light => &palette::LIGHT,
        Theme::Dark => &palette::DARK,
        Theme::Projector => &palette::PROJECTOR,
    });
    theme
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::saved::memory::MemoryStore;

    #[test]
    fn the_system_decides_until_the_learner_picks() {
        assert_eq!(ThemeChoice::System.resolve(true), Theme::Dark);
        assert_eq!(ThemeChoice::System.resolve(false), Theme::Light);
        assert_eq!(ThemeChoice::Light.resolve(true), Theme::Light);
        assert_eq!(ThemeChoice::Projector.resolve(true), Theme::Projector);
    }

    #[test]
    fn a_pick_round_trips_and_an_unknown_value_follows_the_system() {
        let store = MemoryStore::default();
        assert_eq!(load(&store), ThemeChoice::System);
        for choice in ThemeChoice::ALL {
            save(&store, choice).unwrap();
            assert_eq!(load(&store), choice);
        }
        store.set(THEME_KEY, "sepia").unwrap();
        assert_eq!(load(&store), ThemeChoice::System);
        assert_eq!(store.get(THEME_KEY).unwrap().as_deref(), Some("sepia"), "left where it is");
    }
}
