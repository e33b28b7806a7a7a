//! The development server: content types, index pages, and refusal of paths outside its folder.
#![cfg(not(target_arch = "wasm32"))]

use optiviz::serve::{Server, content_type, resolve};
use proptest::prelude::*;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;

fn served() -> (tempdir::Dir, SocketAddr) {
    let dir = tempdir::Dir::new();
    std::fs::write(dir.path().join("index.html"), "<!doctype html><p>hi").unwrap();
    std::fs::write(dir.path().join("app.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::create_dir(dir.path().join("pkg")).unwrap();
    std::fs::write(dir.path().join("pkg/m.js"), "export {}").unwrap();
    let server = Server::bind(dir.path(), 0).unwrap();
    let addr = server.spawn();
    (dir, addr)
}

/// Sends a raw request line (so `..` reaches the server unnormalized); returns status and text.
fn request(addr: SocketAddr, method: &str, target: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "{method} {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out[9..12].parse().unwrap();
    (status, out)
}

fn header<'a>(response: &'a str, name: &str) -> Option<&'a str> {
    response
        .lines()
        .take_while(|l| !l.is_empty())
        .find_map(|l| {
            l.split_once(": ")
                .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        })
        .map(|(_, v)| v)
}

#[test]
fn serves_files_with_their_content_types() {
    let (_dir, addr) = served();
    assert!(addr.ip().is_loopback());
    let (status, r) = request(addr, "GET", "/");
    assert_eq!(status, 200);
    assert_eq!(header(&r, "Content-Type"), Some("text/html; charset=utf-8"));
    assert!(r.ends_with("<p>hi"));
    let (status, r) = request(addr, "GET", "/app.wasm");
    assert_eq!(status, 200);
    assert_eq!(header(&r, "Content-Type"), Some("application/wasm"));
    let (status, r) = request(addr, "GET", "/pkg/m.js?v=3");
    assert_eq!(status, 200);
    assert_eq!(
        header(&r, "Content-Type"),
        Some("text/javascript; charset=utf-8")
    );
    assert_eq!(request(addr, "HEAD", "/pkg/m.js").0, 200);
}

#[test]
fn refuses_paths_outside_the_folder_and_unknown_methods() {
    let (_dir, addr) = served();
    for target in [
        "/../Cargo.toml",
        "/pkg/../../x",
        "/%2e%2e/x",
        "/%2E%2E%2Fx",
        "/a%00b",
    ] {
        assert_eq!(request(addr, "GET", target).0, 403, "{target}");
    }
    assert_eq!(request(addr, "GET", "/missing.js").0, 404);
    assert_eq!(request(addr, "POST", "/").0, 405);
}

#[test]
fn content_types() {
    assert_eq!(content_type(Path::new("a/b.wasm")), "application/wasm");
    assert_eq!(content_type(Path::new("x.css")), "text/css; charset=utf-8");
    assert_eq!(content_type(Path::new("noext")), "application/octet-stream");
}

proptest! {
    #[test]
    fn resolve_never_leaves_the_root(target in "\\PC*") {
        let root = Path::new("/srv/www");
        if let Some(p) = resolve(root, &target) {
            prop_assert!(p.starts_with(root));
            prop_assert!(p.components().all(|c| !matches!(c, std::path::Component::ParentDir)));
        }
    }

    #[test]
    fn resolve_keeps_plain_names(parts in proptest::collection::vec("[a-z0-9_.-]{1,8}", 1..4)) {
        prop_assume!(parts.iter().all(|p| p != "." && p != ".."));
        let target = format!("/{}", parts.join("/"));
        let got = resolve(Path::new("/srv"), &target).unwrap();
        prop_assert_eq!(got, Path::new("/srv").join(parts.join("/")));
    }
}

/// A folder under the system temp dir, removed when dropped.
mod tempdir {
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicUsize, Ordering};

    pub struct Dir(PathBuf);
    static N: AtomicUsize = AtomicUsize::new(0);

    impl Dir {
        pub fn new() -> Dir {
            let n = N.fetch_add(1, Ordering::Relaxed);
            let p = std::env::temp_dir().join(format!("optiviz-serve-{}-{n}", std::process::id()));
            let _ = std::fs::remove_dir_all(&p);
            std::fs::create_dir_all(&p).unwrap();
            Dir(p)
        }
        pub fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}
