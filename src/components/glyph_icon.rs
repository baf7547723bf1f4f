//! A small SVG swatch of an image's look: its colour and its glyph.

use yew::prelude::*;

use crate::canvas::palette;

/// The swatch of the image at registry position `look`, solid (in service). A plain function, not
/// a component: it has no state, and each component costs the download its own copy of Yew's
/// lifecycle code.
pub fn glyph_icon(look: usize) -> Html {
    let look = palette::look(look);
    let (background, ink) = (look.colour, palette::ON_COLOUR);
    html! {
        <svg class="glyph-icon" viewBox="0 0 20 20" width="20" height="20" aria-hidden="true">
            <rect x="0" y="0" width="20" height="20" rx="4" fill={background} />
            <path d={palette::glyph_svg_path(look.glyph)} fill={ink} transform="translate(4 4) scale(0.6)" />
        </svg>
    }
}
