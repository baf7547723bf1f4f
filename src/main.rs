//! Entry point of the browser build.

fn main() {
    lab_app::apply_saved_theme();
    yew::Renderer::<lab_app::Root>::new().render();
}
