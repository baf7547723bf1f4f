//! A small SVG swatch of an image's look: its colour and its glyph.

use yew::prelude::*;

use crate::canvas::palette;

#[derive(Properties, PartialEq)]
pub struct GlyphIconProps {
    /// Registry position of the image.
    pub look: usize,
    /// Pale (starting) rather than solid (in service).
    #[prop_or_default]
    pub pale: bool,
}

#[component]
pub fn GlyphIcon(props: &GlyphIconProps) -> Html {
    let look = palette::look(props.look);
    let (background, ink) =
        if props.pale { (look.tint, look.colour) } else { (look.colour, palette::ON_COLOUR) };
    html! {
        <svg class="glyph-icon" viewBox="0 0 20 20" width="20" height="20" aria-hidden="true">
            <rect x="0" y="0" width="20" height="20" rx="4" fill={background} />
            <path d={palette::glyph_svg_path(look.glyph)} fill={ink} transform="translate(4 4) scale(0.6)" />
        </svg>
    }
}
