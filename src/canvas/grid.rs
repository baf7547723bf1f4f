//! Where fleet tiles go on the canvas: big labelled tiles for a classroom-sized fleet, small
//! colour-and-glyph tiles for a thousand instances.

/// The geometry of the fleet grid, in CSS pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Grid {
    /// Tiles per row.
    pub columns: u32,
    /// Rows needed.
    pub rows: u32,
    /// A tile's side.
    pub tile: f64,
    /// Space between tiles.
    pub gap: f64,
    /// Space around the grid.
    pub padding: f64,
}

/// The largest tile: room for a glyph and a version label.
const TILE_MAX: f64 = 64.0;
/// The smallest tile that still shows a colour clearly.
const TILE_MIN: f64 = 5.0;
/// Tiles at least this big carry a text label.
pub const LABEL_TILE_MIN: f64 = 40.0;
/// Tiles at least this big carry a glyph.
pub const GLYPH_TILE_MIN: f64 = 9.0;
/// The most tiles the fleet canvas draws one instance at a time. Past it the picture zooms out and
/// each square stands for several instances: a hundred thousand five-pixel tiles neither fit on a
/// screen nor draw at the frame rate, and a learner reads proportions at that scale, not servers.
pub const TILES_DRAWN_MAX: u32 = 10_000;
/// How many instances one square may stand for: round numbers a learner can say aloud.
const INSTANCES_PER_SQUARE: [u32; 7] = [1, 2, 5, 10, 20, 50, 100];

/// How many instances each square of the fleet picture stands for with `fleet_size` instances:
/// one up to [`TILES_DRAWN_MAX`], then the smallest round number that keeps the squares within it.
/// It follows the fleet's size, not the instances of the moment, so a rollout's surge does not
/// zoom the picture in and out.
pub fn instances_per_square(fleet_size: u32) -> u32 {
    INSTANCES_PER_SQUARE
        .into_iter()
        .find(|per_square| fleet_size.div_ceil(*per_square) <= TILES_DRAWN_MAX)
        .unwrap_or(INSTANCES_PER_SQUARE[INSTANCES_PER_SQUARE.len() - 1])
}

/// The full lab's grid aims to fit in this height, so the page does not scroll for a big fleet.
pub const HEIGHT_TARGET: f64 = 440.0;

impl Grid {
    /// Fits `slots` tiles into `width` CSS pixels, aiming at `height_target` (a small embed
    /// passes its own): tiles shrink until the grid fits, down to the smallest readable tile.
    pub fn fit(slots: u32, width: f64, height_target: f64) -> Grid {
        let slots = slots.max(1);
        let padding = 12.0;
        let inner = (width - 2.0 * padding).max(TILE_MIN);
        let by_area = (inner * height_target / f64::from(slots)).sqrt() * 0.85;
        let mut tile = by_area.clamp(TILE_MIN, TILE_MAX).floor();
        loop {
            let gap = (tile * 0.16).clamp(1.0, 8.0).round();
            let columns = (((inner + gap) / (tile + gap)).floor() as u32).max(1);
            let grid = Grid { columns, rows: slots.div_ceil(columns), tile, gap, padding };
            if grid.height() <= height_target || tile <= TILE_MIN {
                return grid;
            }
            tile -= 1.0;
        }
    }

    /// The CSS height the canvas needs.
    pub fn height(&self) -> f64 {
        2.0 * self.padding + f64::from(self.rows) * (self.tile + self.gap) - self.gap
    }

    /// Top-left corner of a slot.
    pub fn origin(&self, slot: u32) -> (f64, f64) {
        let (row, column) = (slot / self.columns, slot % self.columns);
        (
            self.padding + f64::from(column) * (self.tile + self.gap),
            self.padding + f64::from(row) * (self.tile + self.gap),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_classroom_fleet_gets_big_labelled_tiles() {
        let grid = Grid::fit(12, 700.0, HEIGHT_TARGET);
        assert!(grid.tile >= LABEL_TILE_MIN, "{grid:?}");
        assert!(grid.columns * grid.rows >= 12);
    }

    #[test]
    fn a_thousand_instances_fit_without_scrolling() {
        let grid = Grid::fit(1000, 700.0, HEIGHT_TARGET);
        assert!(grid.columns * grid.rows >= 1000);
        assert!(grid.height() <= HEIGHT_TARGET + 40.0, "{grid:?}");
        assert!(grid.tile >= GLYPH_TILE_MIN, "{grid:?}");
    }

    #[test]
    fn a_small_embed_gets_a_grid_within_its_height() {
        for (slots, width, height) in [(30, 616.0, 220.0), (10, 376.0, 150.0), (30, 376.0, 150.0)] {
            let grid = Grid::fit(slots, width, height);
            assert!(grid.height() <= height, "{slots} in {width}×{height}: {grid:?}");
            assert!(grid.columns * grid.rows >= slots);
            assert!(grid.tile >= GLYPH_TILE_MIN, "still shows each image's shape: {grid:?}");
        }
    }

    #[test]
    fn a_big_fleet_zooms_out_in_round_steps_and_stays_within_the_tiles_drawn() {
        assert_eq!(instances_per_square(0), 1);
        assert_eq!(instances_per_square(TILES_DRAWN_MAX), 1);
        assert_eq!(instances_per_square(TILES_DRAWN_MAX + 1), 2);
        assert_eq!(instances_per_square(20_000), 2);
        assert_eq!(instances_per_square(20_001), 5);
        assert_eq!(instances_per_square(100_000), 10);
        for fleet in [1, 9_999, 10_001, 33_333, 100_000, 1_000_000] {
            let per_square = instances_per_square(fleet);
            assert!(fleet.div_ceil(per_square) <= TILES_DRAWN_MAX, "{fleet}: {per_square}");
        }
    }

    #[test]
    fn tiles_never_overlap_or_leave_the_width() {
        for slots in [1, 7, 50, 333, 5000] {
            let grid = Grid::fit(slots, 640.0, HEIGHT_TARGET);
            let (x, _) = grid.origin(grid.columns - 1);
            assert!(x + grid.tile <= 640.0 - grid.padding + 0.5, "{slots}: {grid:?}");
        }
    }
}
