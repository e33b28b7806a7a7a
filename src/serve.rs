//! The development server behind `optiviz serve`: static files from one folder, on loopback.
//!
//! It binds 127.0.0.1 only, answers `GET` and `HEAD`, sends each file with its content type
//! (`.wasm` as `application/wasm`, which `WebAssembly.instantiateStreaming` requires), serves
//! `index.html` for a folder, and refuses every path that would leave the served folder.

use percent_encoding::percent_decode_str;
use std::fs;
use std::io;
use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};
use tiny_http::{Header, Method, Request, Response};

/// A bound server, ready to [`run`](Server::run).
pub struct Server {
    root: PathBuf,
    http: tiny_http::Server,
}

/// The content type sent for a file, by its extension.
pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("txt" | "md") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Maps a request target (path and optional query) to a file under `root`, or `None` when
/// the decoded path is malformed or would leave `root` (`..`, an absolute path, a NUL byte).
pub fn resolve(root: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode_str(path).decode_utf8().ok()?;
    if decoded.contains('\0') || decoded.contains('\\') {
        return None;
    }
    let mut out = root.to_path_buf();
    for component in Path::new(decoded.trim_start_matches('/')).components() {
        match component {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

impl Server {
    /// Binds `127.0.0.1:port` (0 picks a free port) to serve the folder `root`.
    pub fn bind(root: &Path, port: u16) -> io::Result<Server> {
        let root = root.canonicalize().map_err(|e| {
            io::Error::new(e.kind(), format!("cannot serve {}: {e}", root.display()))
        })?;
        if !root.is_dir() {
            return Err(io::Error::other(format!(
                "cannot serve {}: not a folder",
                root.display()
            )));
        }
        let http = tiny_http::Server::http(("127.0.0.1", port))
            .map_err(|e| io::Error::other(format!("cannot listen on 127.0.0.1:{port}: {e}")))?;
        Ok(Server { root, http })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.http
            .server_addr()
            .to_ip()
            .expect("bound to an IP address")
    }

    /// Answers requests until the process ends.
    pub fn run(self) {
        for request in self.http.incoming_requests() {
            let _ = respond(&self.root, request);
        }
    }

    /// Answers requests on a background thread, for tests; the server stops with the process.
    pub fn spawn(self) -> SocketAddr {
        let addr = self.addr();
        std::thread::spawn(move || self.run());
        addr
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name, value).expect("static header is valid")
}

fn text(status: u16, body: &str) -> Response<io::Cursor<Vec<u8>>> {
    Response::from_string(body)
        .with_status_code(status)
        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
}

fn respond(root: &Path, request: Request) -> io::Result<()> {
    if !matches!(request.method(), Method::Get | Method::Head) {
        return request.respond(text(405, "405 method not allowed: use GET or HEAD\n"));
    }
    let Some(mut path) = resolve(root, request.url()) else {
        return request.respond(text(403, "403 forbidden: path outside the served folder\n"));
    };
    if path.is_dir() {
        path.push("index.html");
    }
    // Symbolic links could still point outside: check the real path too.
    let inside = path
        .canonicalize()
        .map(|real| real.starts_with(root))
        .unwrap_or(false);
    if !inside {
        return request.respond(text(404, "404 not found\n"));
    }
    match fs::read(&path) {
        Ok(bytes) => request.respond(
            Response::from_data(bytes)
                .with_header(header("Content-Type", content_type(&path)))
                .with_header(header("Cache-Control", "no-store")),
        ),
        Err(_) => request.respond(text(404, "404 not found\n")),
    }
}
