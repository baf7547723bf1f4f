//! Entry point of the browser build.

fn main() {
    yew::Renderer::<lab_app::Root>::new().render();
}
