//! Drawing on canvases: the fleet's tiles and the load balancer's traffic. Yew never renders these;
//! the render loop paints them between ticks, and each picture keeps what it needs between frames.

mod fleet;
pub mod grid;
pub mod layout;
pub mod palette;
mod traffic;

pub use fleet::FleetPainter;
pub use traffic::TrafficPainter;
