//! localStorage as the page's [`Store`]: the only code that touches it. A browser that refuses
//! storage (private windows, policies) reads as empty and refuses every write, which the rules
//! in `saved.rs` report rather than hide.

use crate::platform::saved::Store;

/// This browser's localStorage.
pub struct LocalStorage;

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

impl Store for LocalStorage {
    fn get(&self, key: &str) -> Result<Option<String>, String> {
        match local_storage() {
            Some(storage) => storage.get_item(key).map_err(|_| "reading was refused".to_owned()),
            None => Ok(None),
        }
    }

    fn set(&self, key: &str, text: &str) -> Result<(), String> {
        let storage = local_storage().ok_or("this browser does not let pages keep anything")?;
        storage.set_item(key, text).map_err(|_| "the browser refused the write".to_owned())
    }

    fn remove(&self, key: &str) {
        if let Some(storage) = local_storage() {
            let _ = storage.remove_item(key);
        }
    }
}
