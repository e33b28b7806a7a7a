//! The development server behind `optiviz serve`: static files from one folder, on loopback.
//!
//! It binds 127.0.0.1 only, answers `GET` and `HEAD` (anything else is 405 with `Allow`),
//! sends each file with its content type (`.wasm` as `application/wasm`, which
//! `WebAssembly.instantiateStreaming` requires), serves `index.html` for a folder, refuses
//! every path that would leave the served folder, and does not serve dotfiles (any path segment
//! starting with `.` is 404). Every response carries [`CONTENT_SECURITY_POLICY`] and
//! `X-Content-Type-Options: nosniff`.
//!
//! HTTP/1.1 is hyper's, on a tokio runtime with a fixed number of threads ([`Limits`]):
//! connections are tasks, not threads, so a thousand idle connections cost no thread, and a
//! client that pipelines requests or never reads its response holds only its own connection,
//! until the write timeout closes it. A client must send a request's headers within the header
//! timeout (which also closes an idle keep-alive connection); at most
//! [`Limits::max_connections`] are open at once, the rest wait to be accepted. A request hyper
//! cannot parse gets hyper's `400 Bad Request`.

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use percent_encoding::percent_decode_str;
use std::convert::Infallible;
use std::fs;
use std::io;
use std::net::{SocketAddr, TcpListener};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio_io_timeout::TimeoutStream;

/// The Content-Security-Policy every response carries: scripts only from the page's own
/// origin (ES modules, the worker pool) plus compiling WebAssembly (`'wasm-unsafe-eval'`),
/// everything else from the same origin only, no plugins, no `<base>`.
///
/// `frame-ancestors *`: any page may frame them, as `&embed` is for (slides and course pages on
/// other origins); the pages hold nothing a framing page could trick a click into (no account,
/// no purchase, nothing sent anywhere). The pages repeat the rest
/// of the policy in a `<meta>` tag (which cannot carry `frame-ancestors`), so they keep it
/// when served by anything else.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' \
    'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'; frame-ancestors *";

/// What the server may spend: threads, connections and time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Worker threads answering every connection (the runtime's whole pool).
    pub workers: usize,
    /// Connections open at once; further clients wait in the listen backlog.
    pub max_connections: usize,
    /// How long a client may take to send a request's headers, counted from the connection's
    /// opening or the end of the previous response (so also the keep-alive idle time).
    pub header_timeout: Duration,
    /// How long a response may wait for the client to take more of it before the connection
    /// is closed.
    pub write_timeout: Duration,
}

impl Default for Limits {
    /// Four workers, 512 connections, 10 s to send headers, 10 s without progress writing.
    fn default() -> Limits {
        Limits {
            workers: 4,
            max_connections: 512,
            header_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(10),
        }
    }
}

/// A bound server, ready to [`run`](Server::run).
pub struct Server {
    root: PathBuf,
    listener: TcpListener,
    limits: Limits,
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

/// Whether a path under `root` names a dotfile or lies in a dot-folder (`.git/config`, `.env`):
/// any segment below `root` starting with `.`.
pub fn is_hidden(root: &Path, path: &Path) -> bool {
    path.strip_prefix(root).map_or(true, |rel| {
        rel.components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
    })
}

impl Server {
    /// Binds `127.0.0.1:port` (0 picks a free port) to serve the folder `root`, within the
    /// default [`Limits`].
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
        let listener = TcpListener::bind(("127.0.0.1", port)).map_err(|e| {
            io::Error::new(e.kind(), format!("cannot listen on 127.0.0.1:{port}: {e}"))
        })?;
        Ok(Server {
            root,
            listener,
            limits: Limits::default(),
        })
    }

    /// The same server within other limits (tests shorten the timeouts).
    pub fn with_limits(self, limits: Limits) -> Server {
        Server { limits, ..self }
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener")
    }

    /// Answers requests until the process ends; the error says why the server could not start.
    pub fn run(self) -> io::Result<()> {
        let limits = self.limits;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(limits.workers.max(1))
            .max_blocking_threads(1)
            .thread_name("optiviz-serve")
            .enable_io()
            .enable_time()
            .build()?;
        self.listener.set_nonblocking(true)?;
        runtime.block_on(serve(self.root, self.listener, limits))
    }

    /// Answers requests on a background thread, for tests; the server stops with the process.
    pub fn spawn(self) -> SocketAddr {
        let addr = self.addr();
        std::thread::spawn(move || self.run().expect("the server starts"));
        addr
    }
}

/// The accept loop: one task per connection, at most `limits.max_connections` at once.
async fn serve(root: PathBuf, listener: TcpListener, limits: Limits) -> io::Result<()> {
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let root = Arc::new(root);
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_buf_size(64 * 1024);
    loop {
        let slot = Arc::clone(&slots)
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        let tcp = match listener.accept().await {
            Ok((tcp, _)) => tcp,
            // Out of file descriptors or a connection reset before it was taken: wait a
            // moment rather than spin, and go on.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let mut io = TimeoutStream::new(tcp);
        io.set_write_timeout(Some(limits.write_timeout));
        let (root, http) = (Arc::clone(&root), http.clone());
        tokio::spawn(async move {
            let service = service_fn(move |request: Request<Incoming>| {
                let response = respond(&root, request.method(), request.uri().path());
                async move { Ok::<_, Infallible>(response) }
            });
            // A failed connection (timed out, reset, malformed) concerns that client only.
            let _ = http
                .serve_connection(TokioIo::new(Box::pin(io)), service)
                .await;
            drop(slot);
        });
    }
}

/// A response with the headers every response carries.
fn response(status: StatusCode, content_type: &str, body: Bytes) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(body));
    *r.status_mut() = status;
    let headers = r.headers_mut();
    let mut set = |name, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::CACHE_CONTROL, "no-store");
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type).expect("content types are valid header values"),
    );
    r
}

fn text(status: StatusCode, body: &'static str) -> Response<Full<Bytes>> {
    response(
        status,
        "text/plain; charset=utf-8",
        Bytes::from_static(body.as_bytes()),
    )
}

/// The answer to `method` on `target` (the request's path), from the folder `root`.
fn respond(root: &Path, method: &Method, target: &str) -> Response<Full<Bytes>> {
    if method != Method::GET && method != Method::HEAD {
        let mut r = text(
            StatusCode::METHOD_NOT_ALLOWED,
            "405 method not allowed: use GET or HEAD\n",
        );
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let Some(mut path) = resolve(root, target) else {
        return text(
            StatusCode::FORBIDDEN,
            "403 forbidden: path outside the served folder\n",
        );
    };
    let not_found = || text(StatusCode::NOT_FOUND, "404 not found\n");
    if is_hidden(root, &path) {
        return not_found();
    }
    if path.is_dir() {
        path.push("index.html");
    }
    // Symbolic links could still point outside, or at a dotfile: check the real path too.
    let inside = path
        .canonicalize()
        .is_ok_and(|real| real.starts_with(root) && !is_hidden(root, &real));
    if !inside {
        return not_found();
    }
    match fs::read(&path) {
        Ok(bytes) => response(StatusCode::OK, content_type(&path), Bytes::from(bytes)),
        Err(_) => not_found(),
    }
}
