//! Entry point of the browser build.

fn main() {
    lab_app::apply_saved_theme();
    lab_app::remove_boot_message();
    yew::Renderer::<lab_app::Root>::new().render();
}
