//! What a tile is, and the marks drawn over tiles whichever way the fleet is drawn, one tile an
//! instance (`fleet.rs`) or one square for many (`squares.rs`): changed by hand, failing its health
//! checks, running an image a known advisory affects. Each mark is a shape as well as a colour.

use lab_engine::Lifecycle;
use web_sys::CanvasRenderingContext2d;

use crate::canvas::Words;
use crate::canvas::grid::Grid;
use crate::canvas::palette;

/// One tile to draw this frame.
#[derive(Clone, Copy)]
pub(super) struct Tile {
    pub(super) look: u8,
    pub(super) state: Lifecycle,
    pub(super) slot: u32,
    /// 0..1 through the current state's wait (pull, boot, drain, fade).
    pub(super) progress: f64,
    /// Index into the world's instance list, for labels.
    pub(super) instance: u32,
    /// A known advisory affects what is on it.
    pub(super) vulnerable: bool,
    /// Changed by hand since launch: a snowflake.
    pub(super) drifted: bool,
    /// Failing its health checks: out of service, waiting to be replaced.
    pub(super) unhealthy: bool,
}

/// A dark notch edged in white in the lower-left corner of every instance changed by hand since
/// launch: it no longer matches its image, whatever its colour says. The white edge keeps the mark
/// readable on the darkest image colour and on a washed-out projector alike.
pub(super) fn drift_marks(context: &CanvasRenderingContext2d, grid: &Grid, tiles: &[Tile]) {
    let size = (grid.tile * 0.32).max(2.5);
    context.begin_path();
    for tile in tiles.iter().filter(|t| t.drifted && t.state.is_live()) {
        let (x, y) = grid.origin(tile.slot);
        let bottom = y + grid.tile;
        context.move_to(x, bottom - size);
        context.line_to(x + size, bottom);
        context.line_to(x, bottom);
        context.close_path();
    }
    context.set_fill_style_str(palette::DRIFT);
    context.fill();
    context.set_stroke_style_str(palette::DRIFT_EDGE);
    context.set_line_width((grid.tile * 0.05).max(1.0));
    context.stroke();
}

/// A red cross over every tile failing its health checks, so it does not read as booting.
pub(super) fn health_marks(context: &CanvasRenderingContext2d, grid: &Grid, tiles: &[Tile]) {
    let inset = grid.tile * 0.22;
    context.begin_path();
    for tile in tiles.iter().filter(|t| t.unhealthy && t.state.is_live()) {
        let (x, y) = grid.origin(tile.slot);
        let (near, far) = (inset, grid.tile - inset);
        context.move_to(x + near, y + near);
        context.line_to(x + far, y + far);
        context.move_to(x + far, y + near);
        context.line_to(x + near, y + far);
    }
    context.set_stroke_style_str(palette::FAILING);
    context.set_line_width((grid.tile * 0.12).max(1.5));
    context.stroke();
}

/// Tiles at least this big get a triangle badge; smaller ones a band.
const TRIANGLE_BADGE_TILE_MIN: f64 = 14.0;
/// Tiles at least this big give their warning badge an outline.
const OUTLINED_BADGE_TILE_MIN: f64 = 24.0;

/// A small amber triangle in the corner of every live tile whose image a known advisory affects:
/// shape and colour both say "warning", so it reads without colour vision too.
pub(super) fn warning_badges(
    context: &CanvasRenderingContext2d,
    grid: &Grid,
    tiles: &[Tile],
    words: &mut Words,
) {
    if grid.tile < TRIANGLE_BADGE_TILE_MIN {
        // Thousands of tiny triangles are slow to rasterise; a band across the top of each tile is
        // a plain rectangle, cheap in any number, and still reads as "marked".
        let band = (grid.tile * 0.3).max(1.5);
        context.begin_path();
        for tile in tiles.iter().filter(|t| t.vulnerable && t.state.is_live()) {
            let (x, y) = grid.origin(tile.slot);
            context.rect(x, y, grid.tile, band);
        }
        context.set_fill_style_str(palette::WARNING);
        context.fill();
        return;
    }
    let size = (grid.tile * 0.26).max(4.0);
    let inset = (grid.tile * 0.06).max(1.0);
    let flagged = || tiles.iter().filter(|t| t.vulnerable && t.state.is_live());
    context.begin_path();
    for tile in flagged() {
        let (x, y) = grid.origin(tile.slot);
        let (right, top) = (x + grid.tile - inset, y + inset);
        context.move_to(right - size / 2.0, top);
        context.line_to(right, top + size * 0.9);
        context.line_to(right - size, top + size * 0.9);
        context.close_path();
    }
    context.set_fill_style_str(palette::WARNING);
    context.fill();
    // An outline keeps a big badge legible on any colour; on small tiles it costs more to stroke
    // thousands of paths than the badge is worth, and the amber alone still reads.
    if grid.tile >= OUTLINED_BADGE_TILE_MIN {
        context.set_stroke_style_str(palette::ON_WARNING);
        context.set_line_width((size / 10.0).max(0.75));
        context.stroke();
    }
    if size >= 10.0 {
        context.set_fill_style_str(palette::ON_WARNING);
        context.set_text_align("center");
        context.set_font(
            words.of(format_args!("700 {}px system-ui, sans-serif", crate::text::units::whole(size * 0.62))),
        );
        for tile in flagged() {
            let (x, y) = grid.origin(tile.slot);
            let _ = context.fill_text("!", x + grid.tile - inset - size / 2.0, y + inset + size * 0.8);
        }
    }
}
