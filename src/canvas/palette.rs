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

/// How many looks there are before they repeat.
pub const LOOK_COUNT: usize = LOOKS.len();

/// The look of the image at `registry_index` (its position in build order), its pale version
/// fitted to the theme's paper.
pub fn look(registry_index: usize) -> Look {
    let index = registry_index % LOOKS.len();
    Look { tint: canvas().tints[index], ..LOOKS[index] }
}

/// What canvases draw with in one theme; the stylesheet's theme variables match these.
#[derive(Debug, PartialEq, Eq)]
pub struct CanvasInk {
    /// The canvas background.
    pub paper: &'static str,
    /// Text and strong marks.
    pub ink: &'static str,
    /// Secondary text and outlines.
    pub ink_muted: &'static str,
    /// Each look's pale version, for instances still starting and for traffic pipes.
    pub tints: [&'static str; 6],
    /// Labels drawn on a canvas, and their bold form.
    pub font: &'static str,
    pub font_bold: &'static str,
}

/// Light paper (the light and projector themes).
pub const LIGHT: CanvasInk = CanvasInk {
    paper: "#FFFFFF",
    ink: "#1F2933",
    ink_muted: "#66717E",
    tints: ["#CCE3F0", "#F7DFCC", "#CCECE3", "#F5E4ED", "#EDE6CC", "#DDF0FB"],
    font: "600 12px system-ui, sans-serif",
    font_bold: "700 13px system-ui, sans-serif",
};

/// The projector theme: light paper, darker ink and larger labels, for the back of a classroom.
pub const PROJECTOR: CanvasInk = CanvasInk {
    ink: "#0D1216",
    ink_muted: "#333D47",
    font: "600 15px system-ui, sans-serif",
    font_bold: "700 16px system-ui, sans-serif",
    ..LIGHT
};

/// Dark paper: the pale versions are each colour a third of the way up from the paper.
pub const DARK: CanvasInk = CanvasInk {
    paper: "#1D232A",
    ink: "#E6E9EC",
    ink_muted: "#A4ADB7",
    tints: ["#133E59", "#5D381B", "#134E43", "#5A4155", "#433D1B", "#31566D"],
    ..LIGHT
};

thread_local! {
    static CANVAS: std::cell::Cell<&'static CanvasInk> = const { std::cell::Cell::new(&LIGHT) };
    static GENERATION: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Switches the canvases to `ink`; pictures drawn since are stale (see [`generation`]).
pub fn set_canvas(ink: &'static CanvasInk) {
    if CANVAS.with(|cell| cell.replace(ink)) != ink {
        GENERATION.with(|cell| cell.set(cell.get().wrapping_add(1)));
    }
}

/// The canvas colours and labels of the theme in force.
pub fn canvas() -> &'static CanvasInk {
    CANVAS.with(std::cell::Cell::get)
}

/// Changes whenever the canvas colours do, so a picture painted before knows to paint again.
pub fn generation() -> u32 {
    GENERATION.with(std::cell::Cell::get)
}

/// Ink on the amber warning badge, in every theme.
pub const ON_WARNING: &str = "#1F2933";
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
    fn dark_paper_gives_dark_tints_and_marks_pictures_stale() {
        let before = generation();
        set_canvas(&DARK);
        assert_eq!(look(0).tint, DARK.tints[0]);
        assert_ne!(generation(), before);
        let dark = generation();
        set_canvas(&DARK);
        assert_eq!(generation(), dark, "no change, no repaint");
        set_canvas(&PROJECTOR);
        assert_eq!(look(1).tint, LIGHT.tints[1], "projector paper is light");
        set_canvas(&LIGHT);
        assert_eq!((look(7).tint, look(7).colour), (LIGHT.tints[1], LOOKS[1].colour));
    }

    #[test]
    fn neighbouring_images_differ_in_colour_and_glyph() {
        for index in 0..LOOKS.len() {
            let (this, next) = (look(index), look(index + 1));
            assert_ne!(this.colour, next.colour);
            assert_ne!(this.glyph, next.glyph);
        }
    }
}
