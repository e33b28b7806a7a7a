//! A folder under the system's temporary folder for one test, removed when dropped.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh empty folder, named by the test binary's process and a counter, so tests running at
/// once (in one binary or several) never share one.
pub struct Dir(PathBuf);

static N: AtomicUsize = AtomicUsize::new(0);

impl Dir {
    /// Makes a new empty folder.
    pub fn new() -> Dir {
        let n = N.fetch_add(1, Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!("optiviz-test-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Dir(p)
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
