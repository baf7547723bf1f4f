//! The one render loop: a requestAnimationFrame closure built once, turning elapsed time into
//! ticks through the fixed-timestep clock and repainting the fleet canvas.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use crate::animated::Animated;
use crate::clock::TickClock;
use crate::paint::FleetPainter;

type FrameCallback = Closure<dyn FnMut(f64)>;

/// Asks the browser to call `callback` before the next repaint, remembering the request's id.
fn request_frame(callback: &RefCell<Option<FrameCallback>>, request_id: &Cell<i32>) {
    if let (Some(window), Some(frame)) = (web_sys::window(), callback.borrow().as_ref())
        && let Ok(id) = window.request_animation_frame(frame.as_ref().unchecked_ref())
    {
        request_id.set(id);
    }
}

/// Runs the clock and the fleet canvases for as long as the component lives. `redraw` re-renders
/// the page's DOM parts; it is called only when a tick ran, never merely because a frame passed.
#[hook]
pub fn use_render_loop<S: Animated>(state: Rc<RefCell<S>>, canvases: Rc<Vec<NodeRef>>, redraw: Callback<()>) {
    use_effect_with((), move |_| {
        let callback: Rc<RefCell<Option<FrameCallback>>> = Rc::new(RefCell::new(None));
        let request_id = Rc::new(Cell::new(0));
        let mut clock = TickClock::default();
        let mut painters: Vec<FleetPainter> = canvases.iter().map(|_| FleetPainter::default()).collect();
        let mut last_world_tick = None;
        let mut was_playing = false;

        let next_frame = callback.clone();
        let next_request = request_id.clone();
        *callback.borrow_mut() = Some(Closure::new(move |now_ms: f64| {
            let ran_ticks = {
                let mut state = state.borrow_mut();
                let (ticks, fraction) = clock.advance(now_ms, state.tick_ms(), state.playing());
                if ticks > 0 {
                    state.advance(ticks);
                }
                let world_tick = state.lab(0).map(|lab| lab.world.now());
                if last_world_tick.is_some_and(|last| world_tick.is_some_and(|now| now < last)) {
                    painters.iter_mut().for_each(FleetPainter::clear);
                }
                last_world_tick = world_tick;
                // Paint while playing (bars move between ticks), once more when play stops,
                // and whenever an action changed the picture; otherwise leave the canvases alone.
                let playing = state.playing();
                if state.take_dirty() || playing || was_playing {
                    let fraction = if playing { fraction } else { 0.0 };
                    for (index, (painter, canvas)) in painters.iter_mut().zip(canvases.iter()).enumerate() {
                        if let (Some(element), Some(lab)) =
                            (canvas.cast::<HtmlCanvasElement>(), state.lab(index))
                        {
                            painter.paint(&element, lab, fraction);
                        }
                    }
                }
                was_playing = playing;
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
