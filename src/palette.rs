//! One palette for the whole lab. Images differ by colour *and* glyph, so the fleet reads the same
//! in greyscale, on a washed-out projector, or to a colour-blind learner.

/// A shape drawn on every tile of an image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Glyph {
    /// ●
    Circle,
    /// ■
    Square,
    /// ▲
    Triangle,
    /// ◆
    Diamond,
    /// ⬢
    Hexagon,
    /// ✚
    Cross,
}

/// How one image looks everywhere in the lab.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Look {
    /// Solid colour for instances in service.
    pub colour: &'static str,
    /// Pale version for instances still starting.
    pub tint: &'static str,
    /// The image's shape.
    pub glyph: Glyph,
    /// The shape's name, for screen readers and the table.
    pub glyph_name: &'static str,
}

/// Okabe–Ito colours (distinguishable with the common colour-vision deficiencies), paired with glyphs.
const LOOKS: [Look; 6] = [
    Look { colour: "#0072B2", tint: "#CCE3F0", glyph: Glyph::Circle, glyph_name: "circle" },
    Look { colour: "#D55E00", tint: "#F7DFCC", glyph: Glyph::Triangle, glyph_name: "triangle" },
    Look { colour: "#009E73", tint: "#CCECE3", glyph: Glyph::Square, glyph_name: "square" },
    Look { colour: "#CC79A7", tint: "#F5E4ED", glyph: Glyph::Diamond, glyph_name: "diamond" },
    Look { colour: "#8A6D00", tint: "#EDE6CC", glyph: Glyph::Hexagon, glyph_name: "hexagon" },
    Look { colour: "#56B4E9", tint: "#DDF0FB", glyph: Glyph::Cross, glyph_name: "cross" },
];

/// The look of the image at `registry_index` (its position in build order).
pub fn look(registry_index: usize) -> Look {
    LOOKS[registry_index % LOOKS.len()]
}

/// Page ink, for text drawn on the canvas.
pub const INK: &str = "#1F2933";
/// Quiet ink for secondary text and outlines.
pub const INK_MUTED: &str = "#66717E";
/// The canvas background.
pub const PAPER: &str = "#FFFFFF";
/// The notch on an instance changed by hand (drawn over its image colour).
pub const DRIFT: &str = "#1F2933";
/// The edge around the drift mark, so it shows on dark tiles too.
pub const DRIFT_EDGE: &str = "#FFFFFF";
/// Warnings: a known-vulnerable image.
pub const WARNING: &str = "#F0B000";
/// Drawn over a glyph on a solid tile.
pub const ON_COLOUR: &str = "#FFFFFF";
/// The cross over an instance failing its health checks (the timeline's failed-request red).
pub const FAILING: &str = "#C0392B";

/// An SVG path (in a 20×20 box centred on 10,10) for a glyph, used by legends and the table.
pub fn glyph_svg_path(glyph: Glyph) -> &'static str {
    match glyph {
        Glyph::Circle => "M10 3a7 7 0 1 0 0.01 0Z",
        Glyph::Square => "M4 4h12v12H4Z",
        Glyph::Triangle => "M10 3l7.5 13h-15Z",
        Glyph::Diamond => "M10 2l8 8-8 8-8-8Z",
        Glyph::Hexagon => "M10 2.5l6.5 3.75v7.5L10 17.5l-6.5-3.75v-7.5Z",
        Glyph::Cross => "M7.5 3h5v4.5H17v5h-4.5V17h-5v-4.5H3v-5h4.5Z",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neighbouring_images_differ_in_colour_and_glyph() {
        for index in 0..LOOKS.len() {
            let (this, next) = (look(index), look(index + 1));
            assert_ne!(this.colour, next.colour);
            assert_ne!(this.glyph, next.glyph);
        }
    }
}
