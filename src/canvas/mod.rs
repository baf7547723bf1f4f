//! Drawing on canvases: the fleet's tiles and the load balancer's traffic. Yew never renders these;
//! the render loop paints them between ticks, and each picture keeps what it needs between frames.

mod fleet;
pub mod grid;
pub mod layout;
mod marks;
pub mod palette;
mod squares;
mod traffic;

pub use fleet::FleetPainter;
pub use traffic::TrafficPainter;

use std::fmt::Write as _;

use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// Words drawn on a canvas, written into one reused buffer: a frame allocates nothing.
#[derive(Default)]
struct Words(String);

impl Words {
    /// The text of `args`, in the buffer.
    fn of(&mut self, args: std::fmt::Arguments<'_>) -> &str {
        self.0.clear();
        let _ = self.0.write_fmt(args);
        &self.0
    }
}

/// Readies a canvas for a frame `css_width` × `css_height` CSS pixels: its backing store at the
/// screen's pixel ratio (resized only when that changes, which `size` remembers), drawing in CSS
/// pixels, and the theme's paper laid down.
fn begin_frame(
    canvas: &HtmlCanvasElement,
    context: &CanvasRenderingContext2d,
    (css_width, css_height): (f64, f64),
    size: &mut (u32, u32),
) {
    let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).max(1.0);
    let wanted = ((css_width * ratio) as u32, (css_height * ratio) as u32);
    if *size != wanted {
        canvas.set_width(wanted.0);
        canvas.set_height(wanted.1);
        let _ =
            canvas.style().set_property("height", &format!("{}px", crate::text::units::whole(css_height)));
        *size = wanted;
    }
    let _ = context.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0);
    context.set_fill_style_str(palette::canvas().paper);
    context.fill_rect(0.0, 0.0, css_width, css_height);
}

/// The paint loop allocates nothing once warm (#15): frames come sixty times a second, and a
/// per-frame allocation is garbage the page pays for in pauses. A counting allocator (this test
/// binary's only) watches the painters draw frames of fleets of every size.
#[cfg(all(test, target_arch = "wasm32"))]
mod allocation_tests {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::atomic::{AtomicUsize, Ordering};

    use wasm_bindgen::JsCast;
    use wasm_bindgen_test::*;
    use web_sys::HtmlCanvasElement;

    use super::{FleetPainter, TrafficPainter};
    use crate::lab::state::{Action, Lab};
    use crate::platform::query::PageQuery;

    wasm_bindgen_test_configure!(run_in_browser);

    struct Counting;

    static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
            unsafe { System.alloc(layout) }
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            unsafe { System.dealloc(ptr, layout) }
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
            unsafe { System.realloc(ptr, layout, new_size) }
        }
    }

    #[global_allocator]
    static ALLOCATOR: Counting = Counting;

    pub(super) fn canvas() -> HtmlCanvasElement {
        let document = web_sys::window().unwrap().document().unwrap();
        let canvas: HtmlCanvasElement = document.create_element("canvas").unwrap().dyn_into().unwrap();
        canvas.set_attribute("style", "width: 900px").unwrap();
        document.body().unwrap().append_child(&canvas).unwrap();
        canvas
    }

    #[wasm_bindgen_test]
    fn painting_frames_allocates_nothing_once_warm() {
        // Labelled tiles, glyph tiles, the zoomed-out squares; a routed canary's traffic with
        // its lanes, weights and requests, and a failing one's crosses and warnings.
        for query in [
            "?scenario=demo&fleet=12&ticks=9",
            "?scenario=demo&fleet=1000&ticks=9",
            "?scenario=canary&fleet=30000&ticks=14",
            "?scenario=canary-routed&ticks=9",
            "?scenario=canary-bad&ticks=12",
        ] {
            let mut lab = Lab::from_query(&PageQuery::parse(query));
            let (fleet_canvas, traffic_canvas) = (canvas(), canvas());
            let (mut fleet, mut traffic) = (FleetPainter::default(), TrafficPainter::default());
            // Two ticks of warming: the reused buffers reach their size.
            for _ in 0..2 {
                lab.reduce(Action::Advance(1));
                fleet.paint(&fleet_canvas, &lab, 0.0);
                traffic.paint(&traffic_canvas, &lab, 0.0, 0.0);
            }
            let before = ALLOCATIONS.load(Ordering::Relaxed);
            for frame in 1..=10 {
                let fraction = f64::from(frame) / 10.0;
                fleet.paint(&fleet_canvas, &lab, fraction);
                traffic.paint(&traffic_canvas, &lab, fraction, 16.7 * f64::from(frame));
            }
            let allocations = ALLOCATIONS.load(Ordering::Relaxed) - before;
            assert_eq!(allocations, 0, "{query}: 10 frames allocated {allocations} times");
            fleet_canvas.remove();
            traffic_canvas.remove();
        }
    }
}

/// The zoomed-out picture is drawn again only when what it shows changed. A branch switch can
/// land on another world at the same tick, with as many commands and instances as the one shown:
/// the picture must follow the world, not the counts.
#[cfg(all(test, target_arch = "wasm32"))]
mod picture_tests {
    use wasm_bindgen_test::*;

    use super::FleetPainter;
    use super::allocation_tests::canvas;
    use crate::lab::state::{Action, Lab};
    use crate::platform::query::PageQuery;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn a_branch_switch_at_the_same_tick_redraws_the_zoomed_out_fleet() {
        let mut lab = Lab::from_query(&PageQuery::parse("?scenario=sandbox&fleet=20000"));
        let mut built = Vec::new();
        for version in ["2.0.0", "3.0.0"] {
            let mut spec = lab.scenario.image.clone();
            spec.app_version = version.into();
            lab.reduce(Action::Build(spec));
            built.push(lab.last_built.expect("the image builds"));
        }
        lab.reduce(Action::Advance(1));
        let deploy_tick = lab.world.now();
        lab.reduce(Action::Deploy(built[0]));
        lab.reduce(Action::Advance(5));
        lab.reduce(Action::ScrubTo(deploy_tick));
        lab.reduce(Action::Deploy(built[1]));
        lab.reduce(Action::Advance(5));
        assert_eq!(lab.branches.len(), 1, "deploying in the past keeps the first deploy as a branch");

        let (shown, fresh) = (canvas(), canvas());
        let mut painter = FleetPainter::default();
        painter.paint(&shown, &lab, 0.0);
        let counts = (lab.world.now(), lab.log.len(), lab.world.fleet_view().instances.len());
        lab.reduce(Action::SwitchBranch(0));
        let switched = (lab.world.now(), lab.log.len(), lab.world.fleet_view().instances.len());
        assert_eq!(counts, switched, "the two branches agree on tick, commands and instances");

        painter.paint(&shown, &lab, 0.0);
        FleetPainter::default().paint(&fresh, &lab, 0.0);
        assert!(
            shown.to_data_url().unwrap() == fresh.to_data_url().unwrap(),
            "after the switch the canvas shows the branch switched to"
        );
        shown.remove();
        fresh.remove();
    }
}
