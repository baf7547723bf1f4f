//! Drawing on canvases: the fleet's tiles and the load balancer's traffic. Yew never renders these;
//! the render loop paints them between ticks, and each picture keeps what it needs between frames.

mod fleet;
pub mod grid;
pub mod layout;
pub mod palette;
mod squares;
mod traffic;

pub use fleet::FleetPainter;
pub use traffic::TrafficPainter;

use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

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
