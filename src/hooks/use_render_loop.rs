//! The one render loop: a requestAnimationFrame closure built once, turning elapsed time into
//! ticks through the fixed-timestep clock and repainting the fleet canvas.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use crate::clock::TickClock;
use crate::paint::FleetPainter;
use crate::state::{Action, Lab};

type FrameCallback = Closure<dyn FnMut(f64)>;

/// Asks the browser to call `callback` before the next repaint, remembering the request's id.
fn request_frame(callback: &RefCell<Option<FrameCallback>>, request_id: &Cell<i32>) {
    if let (Some(window), Some(frame)) = (web_sys::window(), callback.borrow().as_ref())
        && let Ok(id) = window.request_animation_frame(frame.as_ref().unchecked_ref())
    {
        request_id.set(id);
    }
}

/// Runs the lab's clock and canvas for as long as the component lives. `redraw` re-renders the
/// page's DOM parts; it is called only when a tick ran, never merely because a frame passed.
#[hook]
pub fn use_render_loop(lab: Rc<RefCell<Lab>>, canvas: NodeRef, redraw: Callback<()>) {
    use_effect_with((), move |_| {
        let callback: Rc<RefCell<Option<FrameCallback>>> = Rc::new(RefCell::new(None));
        let request_id = Rc::new(Cell::new(0));
        let mut clock = TickClock::default();
        let mut painter = FleetPainter::default();
        let mut last_world_tick = None;
        let mut was_playing = false;

        let next_frame = callback.clone();
        let next_request = request_id.clone();
        *callback.borrow_mut() = Some(Closure::new(move |now_ms: f64| {
            let ran_ticks = {
                let mut lab = lab.borrow_mut();
                let (ticks, fraction) = clock.advance(now_ms, lab.tick_ms(), lab.playing);
                if ticks > 0 {
                    lab.reduce(Action::Advance(ticks));
                }
                let world_tick = lab.world.now();
                if last_world_tick.is_some_and(|last| world_tick < last) {
                    painter.clear();
                }
                last_world_tick = Some(world_tick);
                // Paint while playing (bars move between ticks), once more when play stops,
                // and whenever an action changed the picture; otherwise leave the canvas alone.
                if (lab.playing || was_playing || lab.dirty)
                    && let Some(element) = canvas.cast::<HtmlCanvasElement>()
                {
                    painter.paint(&element, &lab, if lab.playing { fraction } else { 0.0 });
                    lab.dirty = false;
                }
                was_playing = lab.playing;
                ticks > 0
            };
            if ran_ticks {
                redraw.emit(());
            }
            request_frame(&next_frame, &next_request);
        }));
        request_frame(&callback, &request_id);
        move || {
            if let Some(window) = web_sys::window() {
                let _ = window.cancel_animation_frame(request_id.get());
            }
            // Dropping the closure breaks its reference to itself.
            callback.borrow_mut().take();
        }
    });
}
