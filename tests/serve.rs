//! The development server: content types, index pages, refusal of paths outside its folder and
//! of dotfiles, its security headers, and serving many clients at once within bounded threads
//! and timeouts.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::tempdir;
use optiviz::cli::serve::{CONTENT_SECURITY_POLICY, Limits, Server, content_type, resolve};
use proptest::prelude::*;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

/// The size of `big.bin`: far more than the socket buffers hold, so a client that does not
/// read stalls the server's writing.
const BIG: usize = 16 << 20;

fn served() -> (tempdir::Dir, SocketAddr) {
    served_within(Limits::default())
}

fn served_within(limits: Limits) -> (tempdir::Dir, SocketAddr) {
    let dir = tempdir::Dir::new();
    std::fs::write(dir.path().join("index.html"), "<!doctype html><p>hi").unwrap();
    std::fs::write(dir.path().join("app.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::create_dir(dir.path().join("pkg")).unwrap();
    std::fs::write(dir.path().join("pkg/m.js"), "export {}").unwrap();
    std::fs::write(dir.path().join(".env"), "SECRET=1").unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(dir.path().join(".git/config"), "[core]").unwrap();
    std::fs::write(dir.path().join("pkg/.hidden.js"), "export {}").unwrap();
    std::fs::write(dir.path().join("big.bin"), vec![7u8; BIG]).unwrap();
    let server = Server::bind(dir.path(), 0).unwrap().with_limits(limits);
    let addr = server.spawn();
    (dir, addr)
}

/// Sends raw bytes and reads the whole answer (with a deadline, so a server that never
/// answers fails the test instead of hanging it).
fn exchange(addr: SocketAddr, raw: &[u8]) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(raw).unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).expect("an answer within 5 s");
    String::from_utf8_lossy(&out).into_owned()
}

/// Sends a raw request line (so `..` reaches the server unnormalized); returns status and text.
fn request(addr: SocketAddr, method: &str, target: &str) -> (u16, String) {
    let raw = format!("{method} {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    let out = exchange(addr, raw.as_bytes());
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
    for method in ["POST", "PUT", "DELETE", "OPTIONS"] {
        let (status, r) = request(addr, method, "/");
        assert_eq!(status, 405, "{method}");
        assert_eq!(header(&r, "Allow"), Some("GET, HEAD"), "{method}");
    }
}

#[test]
fn does_not_serve_dotfiles() {
    let (_dir, addr) = served();
    for target in [
        "/.env",
        "/.git/config",
        "/.git/",
        "/pkg/.hidden.js",
        "/%2eenv",
    ] {
        assert_eq!(request(addr, "GET", target).0, 404, "{target}");
    }
}

#[test]
fn malformed_requests_get_400() {
    let (_dir, addr) = served();
    for raw in [
        &b"HELLO\r\n\r\n"[..],
        b"GET / HTTP/1.1\r\nno colon here\r\n\r\n",
        b"GET /a b c HTTP/1.1\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
    ] {
        let out = exchange(addr, raw);
        assert!(
            out.starts_with("HTTP/1.1 400 Bad Request"),
            "{:?}: {out}",
            String::from_utf8_lossy(raw)
        );
    }
}

/// Sends `raw` and closes the sending half (so a request left incomplete ends at once rather
/// than at the header timeout); the answer, whatever the server made of it, or of the
/// connection being cut.
fn exchange_closed(addr: SocketAddr, raw: &[u8]) -> Vec<u8> {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    // The server may close before taking everything: that is one of its allowed answers.
    let _ = s.write_all(raw);
    let _ = s.shutdown(std::net::Shutdown::Write);
    let mut out = Vec::new();
    match s.read_to_end(&mut out) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
        Err(e) => panic!(
            "{:?}: no answer or close within 5 s: {e}",
            String::from_utf8_lossy(raw)
        ),
    }
    out
}

/// Raw-request fuzzing (issue 12): 600 seeded requests (`FUZZ_SEED`, default 12, and
/// `FUZZ_REQUESTS` choose others), a third random bytes, a third a good request with bytes
/// replaced, dropped or doubled, a third request lines and headers of extreme sizes and
/// characters. Random bytes are answered 400 or closed; anything else gets a well-formed
/// status (or a close) within 5 s; and the server keeps serving a normal request throughout.
#[test]
fn fuzzed_raw_requests_get_400_or_a_close_and_the_server_keeps_serving() {
    use rand::{RngExt, SeedableRng};
    let (_dir, addr) = served_within(Limits {
        header_timeout: Duration::from_millis(500),
        ..Limits::default()
    });
    let env =
        |name: &str, default: u64| std::env::var(name).map_or(default, |v| v.parse().unwrap());
    let (seed, count) = (env("FUZZ_SEED", 12), env("FUZZ_REQUESTS", 600));
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(seed);
    let good = b"GET /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    let pieces: [&[u8]; 12] = [
        b"GET",
        b"HEAD",
        b"POST",
        b" ",
        b"/",
        b"/../",
        b"%2e%2e",
        b"HTTP/1.1",
        b"HTTP/9.9",
        b"\r\n",
        b"\0",
        b"\xff\xfe",
    ];
    let (mut bad_request, mut closed, mut other) = (0, 0, 0);
    for i in 0..count {
        let kind = i % 3;
        let raw: Vec<u8> = match kind {
            0 => (0..rng.random_range(1..600))
                .map(|_| rng.random())
                .collect(),
            1 => {
                let mut r = good.to_vec();
                for _ in 0..rng.random_range(1..6) {
                    let at = rng.random_range(0..r.len());
                    match rng.random_range(0..3) {
                        0 => r[at] = rng.random(),
                        1 => {
                            r.remove(at);
                        }
                        _ => r.insert(at, r[at]),
                    }
                }
                r
            }
            _ => {
                let mut r = Vec::new();
                for _ in 0..rng.random_range(1..12) {
                    r.extend_from_slice(pieces[rng.random_range(0..pieces.len())]);
                }
                if rng.random::<f64>() < 0.2 {
                    r.extend(std::iter::repeat_n(b'a', rng.random_range(1..100_000)));
                }
                r.extend_from_slice(b"\r\n\r\n");
                r
            }
        };
        let out = exchange_closed(addr, &raw);
        let text = String::from_utf8_lossy(&out);
        let what = String::from_utf8_lossy(&raw[..raw.len().min(200)]).into_owned();
        if out.is_empty() {
            closed += 1;
        } else if text.starts_with("HTTP/1.1 400 ") {
            bad_request += 1;
        } else {
            assert!(kind != 0, "random bytes {what:?} answered {text:.200}");
            let status: u16 = text.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
            assert!(
                text.starts_with("HTTP/1.") && (200..600).contains(&status),
                "{what:?} answered {text:.200}"
            );
            other += 1;
        }
        if i % 50 == 49 {
            assert_eq!(request(addr, "GET", "/").0, 200, "after {what:?}");
        }
    }
    eprintln!(
        "raw-request fuzzing, seed {seed}: {bad_request} answered 400, {closed} closed, {other} another status, of {count}"
    );
    assert_eq!(request(addr, "GET", "/").0, 200);
    assert!(bad_request > count / 4, "{bad_request} answered 400");
}

#[test]
fn every_response_carries_the_security_headers() {
    let (_dir, addr) = served();
    for (method, target) in [
        ("GET", "/"),
        ("HEAD", "/app.wasm"),
        ("GET", "/missing"),
        ("GET", "/../x"),
        ("POST", "/"),
    ] {
        let (_, r) = request(addr, method, target);
        assert_eq!(
            header(&r, "Content-Security-Policy"),
            Some(CONTENT_SECURITY_POLICY),
            "{method} {target}"
        );
        assert_eq!(header(&r, "X-Content-Type-Options"), Some("nosniff"));
    }
    assert!(CONTENT_SECURITY_POLICY.contains("script-src 'self' 'wasm-unsafe-eval'"));
}

/// The policy of a page's `<meta http-equiv="Content-Security-Policy">`.
fn meta_policy(html: &str) -> Option<&str> {
    let tag = html.find("http-equiv=\"Content-Security-Policy\"")?;
    let rest = &html[tag..];
    let start = rest.find("content=\"")? + "content=\"".len();
    let end = start + rest[start..].find('"')?;
    Some(&rest[start..end])
}

#[test]
fn every_page_states_the_servers_policy_but_frame_ancestors() {
    // A meta tag cannot carry frame-ancestors; the rest is the header's policy, word for word.
    let expected = CONTENT_SECURITY_POLICY
        .split("; ")
        .filter(|d| !d.starts_with("frame-ancestors"))
        .collect::<Vec<_>>()
        .join("; ");
    let www = Path::new(env!("CARGO_MANIFEST_DIR")).join("www");
    for entry in std::fs::read_dir(&www).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "html") {
            let html = std::fs::read_to_string(&path).unwrap();
            assert_eq!(meta_policy(&html), Some(&*expected), "{}", path.display());
        }
    }
}

#[test]
fn a_client_that_never_reads_does_not_block_another() {
    let write_timeout = Duration::from_millis(300);
    let (_dir, addr) = served_within(Limits {
        write_timeout,
        ..Limits::default()
    });
    // Four pipelined requests for 16 MiB each, and not a byte read.
    let mut stalled = TcpStream::connect(addr).unwrap();
    let one = "GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n";
    stalled.write_all(one.repeat(4).as_bytes()).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let t0 = Instant::now();
    let (status, _) = request(addr, "GET", "/");
    assert_eq!(status, 200);
    assert!(t0.elapsed() < Duration::from_secs(1), "{:?}", t0.elapsed());
    // The write timeout closes the stalled connection: what it can still read ends early.
    std::thread::sleep(write_timeout * 3);
    stalled
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut got = 0;
    let mut buf = vec![0; 1 << 16];
    while let Ok(n) = stalled.read(&mut buf) {
        if n == 0 {
            break;
        }
        got += n;
    }
    assert!(
        got < 4 * BIG,
        "{got} bytes: the stalled connection was closed"
    );
}

#[test]
fn a_client_that_sends_no_headers_is_closed_after_the_header_timeout() {
    let (_dir, addr) = served_within(Limits {
        header_timeout: Duration::from_millis(200),
        ..Limits::default()
    });
    let mut slow = TcpStream::connect(addr).unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let t0 = Instant::now();
    let mut out = Vec::new();
    let _ = slow.read_to_end(&mut out);
    assert!(t0.elapsed() < Duration::from_secs(3), "{:?}", t0.elapsed());
    assert!(!String::from_utf8_lossy(&out).contains("200 OK"));
}

/// `optiviz serve` holds a thousand-ish idle connections on its fixed pool of threads (it used
/// to start one thread per connection).
#[cfg(target_os = "linux")]
#[test]
fn idle_connections_cost_no_threads() {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    let dir = tempdir::Dir::new();
    std::fs::write(dir.path().join("index.html"), "hi").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_optiviz"))
        .args(["serve", &dir.path().display().to_string(), "--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr: SocketAddr = line
        .trim()
        .trim_end_matches('/')
        .rsplit("http://")
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let threads = || {
        std::fs::read_dir(format!("/proc/{}/task", child.id()))
            .unwrap()
            .count()
    };
    let idle: Vec<TcpStream> = (0..300)
        .map(|_| {
            let mut s = TcpStream::connect(addr).unwrap();
            s.write_all(b"GET / HTTP/1.1\r\n").unwrap();
            s
        })
        .collect();
    // Every connection has been taken once a request after them is answered.
    assert_eq!(request(addr, "GET", "/").0, 200);
    let n = threads();
    drop(idle);
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(n <= 8, "{n} threads for 300 idle connections");
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

#[test]
fn the_real_folder_serves_every_page_and_its_script() {
    let www = Path::new(env!("CARGO_MANIFEST_DIR")).join("www");
    let addr = Server::bind(&www, 0).unwrap().spawn();
    for (path, kind) in [
        ("/course.html", "text/html; charset=utf-8"),
        ("/course.js", "text/javascript; charset=utf-8"),
        ("/lab.html", "text/html; charset=utf-8"),
        ("/", "text/html; charset=utf-8"),
    ] {
        let (status, response) = request(addr, "GET", path);
        assert_eq!(status, 200, "{path}");
        assert_eq!(header(&response, "Content-Type"), Some(kind), "{path}");
    }
}
