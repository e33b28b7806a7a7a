//! `optiviz dist`: the app as a self-contained static site that any static host serves.
//!
//! Every file of the source folder (`www`, with its built `pkg/`) is copied into the output
//! folder; the pages (`*.html`) keep their names, and every other file gets its content's hash
//! in its name (`app.js` → `app.0123456789abcdef.js`), so a host may let browsers cache it for
//! ever. Each reference to a renamed file is rewritten: in a page, its `href` and `src`
//! attributes; in a script, any string literal that is a relative path naming a file (import
//! specifiers, `import('…')`, `new URL('worker.js', import.meta.url)`, the wasm's URL); in a
//! style sheet, `url(…)` and `@import`. A file is hashed after its own references are rewritten,
//! so a change anywhere renames every file that leads to it. A reference in a page that names
//! no file is an error, as is an import cycle (no content hash could name both files); a file's
//! reference to itself is left as it is.
//!
//! Text files and the wasm also get a `.gz` beside them, compressed once at the best level
//! (for hosts that serve precompressed files, nginx's `gzip_static` for one).
//!
//! The source folder's `sw.js` (the service worker) keeps its name, and its `"__PRECACHE__"`,
//! `"__WASM__"` and `"__VERSION__"` are replaced by the list of every file of the site but the
//! wasm builds, the list of those (of which a browser caches the whole build of the kind it
//! runs, standing in for every page's own), and a version that changes with any file;
//! `offline.js` (which registers it) is added to every page. Both only in the output: the
//! development server's pages never register the worker.

use flate2::Compression;
use flate2::write::GzEncoder;
use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io::Write;
use std::path::Path;

/// At most this many folders deep in the source folder (a link to a folder above it would
/// otherwise be walked for ever).
pub const MAX_DEPTH: usize = 16;
/// At most this many files in the source folder.
pub const MAX_FILES: usize = 2_000;
/// At most this many bytes in one source file.
pub const MAX_FILE_BYTES: u64 = 64 << 20;
/// The file that marks a folder as written by `optiviz dist`: only such a folder (or an empty
/// one) is replaced.
pub const MARKER: &str = ".optiviz-dist";
/// The service worker's file in the source folder and the site, never renamed.
pub const SERVICE_WORKER: &str = "sw.js";
/// The script that registers the service worker, added to every page of the site.
pub const REGISTER: &str = "offline.js";

/// Why `optiviz dist` stopped, in words naming the file and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistError(pub String);

impl fmt::Display for DistError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DistError {}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> DistError {
    DistError(format!("{what} {}: {e}", path.display()))
}

/// What `optiviz dist` wrote.
#[derive(Debug, Clone, Default)]
pub struct Site {
    /// Each source file (its path under the source folder, `/`-separated) and the path it was
    /// written to under the output folder.
    pub files: BTreeMap<String, String>,
    /// The service worker's precache list: every file of the site but the wasm builds, as
    /// URLs relative to it (the site's root first, `./`).
    pub precache: Vec<String>,
    /// The wasm builds, as URLs relative to the service worker.
    pub wasm: Vec<String>,
    /// The version the service worker's cache is named after.
    pub version: String,
    /// Bytes written (the files themselves, without the `.gz`).
    pub bytes: u64,
    /// Bytes of the `.gz` files.
    pub gz_bytes: u64,
}

/// What kind of file a path is, by its extension.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Page,
    Script,
    Style,
    Other,
}

fn kind(path: &str) -> Kind {
    match extension(path) {
        "html" => Kind::Page,
        "js" | "mjs" => Kind::Script,
        "css" => Kind::Style,
        _ => Kind::Other,
    }
}

fn extension(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.').map_or("", |(_, e)| e)
}

/// Whether a `.gz` of the file is worth writing (text, and the wasm).
fn compressible(path: &str) -> bool {
    matches!(
        extension(path),
        "html" | "js" | "mjs" | "css" | "svg" | "json" | "wasm" | "txt" | "md"
    )
}

/// FNV-1a, 64 bits, as 16 hex digits: stable across Rust versions and machines, which is all a
/// cache-busting name needs (the files are the project's own, no adversary picks them).
pub fn content_hash(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// `dir/name.ext` with `hash` before the extension: `dir/name.HASH.ext`.
pub fn hashed_name(path: &str, hash: &str) -> String {
    let (dir, name) = match path.rsplit_once('/') {
        Some((d, n)) => (format!("{d}/"), n),
        None => (String::new(), path),
    };
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{dir}{stem}.{hash}.{ext}"),
        _ => format!("{dir}{name}.{hash}"),
    }
}

/// The path `reference` names, relative to the file at `from` (both `/`-separated under the
/// site's root), without its query or fragment; `None` when it is not a relative path (a
/// scheme, `//host`, `/root`, a fragment alone) or leaves the root.
pub fn resolve(from: &str, reference: &str) -> Option<String> {
    let path = reference.split(['?', '#']).next().unwrap_or("");
    if path.is_empty()
        || path.starts_with('/')
        || path.contains(':')
        || path.contains('\\')
        || path.chars().any(char::is_whitespace)
    {
        return None;
    }
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop(); // the file's own name
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    if path.ends_with('/') || path == "." || path.ends_with("/.") {
        if !out.is_empty() {
            out.push('/');
        }
        out.push_str("index.html");
    }
    Some(out)
}

/// A reference found in a file: the byte range of its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// Where it starts in the file.
    pub start: usize,
    /// Where it ends (exclusive).
    pub end: usize,
}

/// Whether `s` could be a relative path to a file: no quotes, spaces or template syntax, and a
/// `.` for an extension.
fn path_like(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 300
        && s.contains('.')
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-/?#=&%+~".contains(&b))
}

/// The string literals of a script (`'…'` and `"…"` on one line, no escapes) that look like
/// relative paths. A quote inside a comment may pair wrongly with the next one; a candidate
/// that is not path-like moves on by one quote, so a real literal after it is still found.
pub fn script_literals(text: &str) -> Vec<Reference> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let q = bytes[i];
        if q == b'\'' || q == b'"' {
            let start = i + 1;
            let close = bytes[start..]
                .iter()
                .position(|&b| b == q || b == b'\n' || b == b'\\');
            if let Some(n) = close
                && bytes[start + n] == q
                && path_like(&text[start..start + n])
            {
                found.push(Reference {
                    start,
                    end: start + n,
                });
                i = start + n + 1;
                continue;
            }
        }
        i += 1;
    }
    found
}

/// A page's `href="…"` and `src="…"` attribute values (either quote).
pub fn page_references(text: &str) -> Vec<Reference> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    for attr in ["href=", "src="] {
        let mut from = 0;
        while let Some(at) = text[from..].find(attr) {
            let at = from + at;
            from = at + attr.len();
            // Only a whole attribute name: preceded by whitespace.
            if at == 0 || !bytes[at - 1].is_ascii_whitespace() {
                continue;
            }
            let Some(&q) = bytes.get(from) else { break };
            if q != b'"' && q != b'\'' {
                continue;
            }
            let start = from + 1;
            if let Some(n) = text[start..].find(q as char) {
                found.push(Reference {
                    start,
                    end: start + n,
                });
                from = start + n + 1;
            }
        }
    }
    found.sort_by_key(|r| r.start);
    found
}

/// A style sheet's `url(…)` and `@import "…"` targets.
pub fn style_references(text: &str) -> Vec<Reference> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find("url(") {
        let mut start = from + at + 4;
        let Some(n) = text[start..].find(')') else {
            break;
        };
        let mut end = start + n;
        let inner = &text[start..end];
        let trimmed = inner.trim();
        if let Some(q) = trimmed.chars().next().filter(|c| *c == '"' || *c == '\'')
            && trimmed.len() >= 2
            && trimmed.ends_with(q)
        {
            start += inner.find(q).unwrap_or(0) + 1;
            end = start + trimmed.len() - 2;
        }
        found.push(Reference { start, end });
        from = end;
    }
    let mut from = 0;
    while let Some(at) = text[from..].find("@import") {
        from += at + 7;
        let rest = &text[from..];
        if let Some(off) = rest.find(['"', '\''])
            && rest[..off].trim().is_empty()
        {
            let q = rest.as_bytes()[off] as char;
            let start = from + off + 1;
            if let Some(n) = text[start..].find(q) {
                found.push(Reference {
                    start,
                    end: start + n,
                });
            }
        }
    }
    found.sort_by_key(|r| r.start);
    found
}

/// The references of the file at `path`, found as its kind has them.
fn references(path: &str, text: &str) -> Vec<Reference> {
    match kind(path) {
        Kind::Page => page_references(text),
        Kind::Script => script_literals(text),
        Kind::Style => style_references(text),
        Kind::Other => Vec::new(),
    }
}

/// Every file under `root` (dotfiles and dot-folders skipped), `/`-separated relative paths.
fn walk(root: &Path) -> Result<Vec<String>, DistError> {
    let mut out = Vec::new();
    let mut stack = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, prefix)) = stack.pop() {
        let entries = fs::read_dir(&dir).map_err(|e| io_error("cannot read", &dir, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| io_error("cannot read", &dir, e))?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else {
                return Err(DistError(format!(
                    "{}: a file name that is not UTF-8",
                    entry.path().display()
                )));
            };
            if name.starts_with('.') {
                continue;
            }
            let rel = format!("{prefix}{name}");
            let meta = fs::metadata(entry.path())
                .map_err(|e| io_error("cannot read", &entry.path(), e))?;
            if meta.is_dir() {
                if rel.matches('/').count() >= MAX_DEPTH {
                    return Err(DistError(format!(
                        "{}: more than {MAX_DEPTH} folders deep; allowed are at most {MAX_DEPTH}",
                        entry.path().display()
                    )));
                }
                stack.push((entry.path(), format!("{rel}/")));
            } else if meta.is_file() {
                if meta.len() > MAX_FILE_BYTES {
                    return Err(DistError(format!(
                        "{}: {} bytes; allowed are at most {MAX_FILE_BYTES} a file",
                        entry.path().display(),
                        meta.len()
                    )));
                }
                out.push(rel);
                if out.len() > MAX_FILES {
                    return Err(DistError(format!(
                        "{}: more than {MAX_FILES} files; allowed are at most {MAX_FILES}",
                        root.display()
                    )));
                }
            }
        }
    }
    out.sort();
    Ok(out)
}

/// `text` with each reference in `refs` that names a renamed file (`names`: source path →
/// output path) given that file's new name, the reference's own folder part and query kept.
fn rewrite(path: &str, text: &str, refs: &[Reference], names: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len() + 32 * refs.len());
    let mut at = 0;
    for r in refs {
        let reference = &text[r.start..r.end];
        let Some(target) = resolve(path, reference).filter(|t| t != path) else {
            continue;
        };
        let Some(new) = names.get(&target) else {
            continue;
        };
        let old_name = target.rsplit('/').next().unwrap_or(&target);
        let new_name = new.rsplit('/').next().unwrap_or(new);
        let split = reference.find(['?', '#']).unwrap_or(reference.len());
        let (file, rest) = reference.split_at(split);
        let Some(folder) = file.strip_suffix(old_name) else {
            continue; // `./` for index.html: pages keep their names
        };
        out.push_str(&text[at..r.start]);
        out.push_str(folder);
        out.push_str(new_name);
        out.push_str(rest);
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Whether `path` keeps its name in the site.
fn keeps_name(path: &str) -> bool {
    kind(path) == Kind::Page || path == SERVICE_WORKER
}

/// Writes the site for the source folder `from` into `out` (replacing a folder an earlier
/// `optiviz dist` wrote, or filling an empty or new one; any other folder is refused).
pub fn build(from: &Path, out: &Path) -> Result<Site, DistError> {
    let from_abs = fs::canonicalize(from).map_err(|e| io_error("cannot read", from, e))?;
    // `dist` is `./dist`: its parent is the working folder.
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty());
    let parent = fs::canonicalize(parent.unwrap_or(Path::new(".")))
        .map_err(|e| io_error("cannot write", out, e))?;
    if parent
        .join(out.file_name().unwrap_or_default())
        .starts_with(&from_abs)
    {
        return Err(DistError(format!(
            "{}: the output folder may not be the source folder {} or lie inside it",
            out.display(),
            from.display()
        )));
    }
    let paths = walk(from)?;
    if !paths.iter().any(|p| p == "index.html") {
        return Err(DistError(format!("{}: no index.html", from.display())));
    }
    let mut texts: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for p in &paths {
        let full = from.join(p);
        let bytes = fs::read(&full).map_err(|e| io_error("cannot read", &full, e))?;
        texts.insert(p.clone(), bytes);
    }
    if paths.iter().any(|p| kind(p) == Kind::Page)
        && texts.contains_key(SERVICE_WORKER) != texts.contains_key(REGISTER)
    {
        return Err(DistError(format!(
            "{}: {SERVICE_WORKER} and {REGISTER} go together; found only one",
            from.display()
        )));
    }
    let offline = texts.contains_key(SERVICE_WORKER);

    // Each file's references to files of the site, for the order of hashing.
    let mut edges: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (p, bytes) in &texts {
        let mut targets = Vec::new();
        if kind(p) != Kind::Other {
            let text = std::str::from_utf8(bytes)
                .map_err(|_| DistError(format!("{p}: not UTF-8 text")))?;
            for r in references(p, text) {
                let reference = &text[r.start..r.end];
                match resolve(p, reference) {
                    // A file naming itself (types.js, in a comment) is left as it is: no
                    // content hash can be part of its own content.
                    Some(t) if t == *p => {}
                    Some(t) if texts.contains_key(&t) => targets.push(t),
                    // A page's link to a file that is not there: the site would be broken.
                    Some(t) if kind(p) == Kind::Page => {
                        return Err(DistError(format!(
                            "{p}: \"{reference}\" names {t}, which is not in {}",
                            from.display()
                        )));
                    }
                    _ => {}
                }
            }
        }
        // Every page gets offline.js, so it is named before them.
        if offline && kind(p) == Kind::Page {
            targets.push(REGISTER.to_string());
        }
        targets.sort();
        targets.dedup();
        edges.insert(p.clone(), targets);
    }

    // Hash leaves first: a file's name depends on its rewritten references.
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let mut output: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut state: BTreeMap<&str, u8> = BTreeMap::new(); // 1 visiting, 2 done
    let order: Vec<String> = {
        let mut order = Vec::new();
        for p in texts.keys() {
            visit(p, &edges, &mut state, &mut order, &mut Vec::new())?;
        }
        order
    };
    for p in &order {
        if p == SERVICE_WORKER {
            continue; // written last, with the list of everything else
        }
        let bytes = &texts[p];
        let mut content = if kind(p) == Kind::Other {
            bytes.clone()
        } else {
            let text = std::str::from_utf8(bytes).unwrap_or_default();
            rewrite(p, text, &references(p, text), &names).into_bytes()
        };
        if kind(p) == Kind::Page && offline {
            content = register(p, &content, &names)?;
        }
        let name = if keeps_name(p) {
            p.clone()
        } else {
            hashed_name(p, &content_hash(&content))
        };
        names.insert(p.clone(), name.clone());
        output.insert(name, content);
    }

    let mut site = Site::default();
    // The root URL is what a visitor opens: cached as index.html is.
    let (wasm, rest): (Vec<String>, Vec<String>) =
        output.keys().cloned().partition(|n| extension(n) == "wasm");
    let listed: Vec<String> = std::iter::once("./".to_string()).chain(rest).collect();
    site.version = content_hash(
        output
            .iter()
            .flat_map(|(n, c)| [n.as_bytes(), c.as_slice()])
            .flatten()
            .copied()
            .collect::<Vec<u8>>()
            .as_slice(),
    );
    if offline {
        let template = std::str::from_utf8(&texts[SERVICE_WORKER])
            .map_err(|_| DistError(format!("{SERVICE_WORKER}: not UTF-8 text")))?;
        for placeholder in ["\"__PRECACHE__\"", "\"__WASM__\"", "\"__VERSION__\""] {
            if !template.contains(placeholder) {
                return Err(DistError(format!(
                    "{SERVICE_WORKER}: no {placeholder} to replace"
                )));
            }
        }
        let list = serde_json::to_string(&listed).unwrap_or_default();
        let wasm_list = serde_json::to_string(&wasm).unwrap_or_default();
        let sw = template
            .replace("\"__PRECACHE__\"", &list)
            .replace("\"__WASM__\"", &wasm_list)
            .replace("\"__VERSION__\"", &format!("\"{}\"", site.version));
        names.insert(SERVICE_WORKER.to_string(), SERVICE_WORKER.to_string());
        output.insert(SERVICE_WORKER.to_string(), sw.into_bytes());
    }
    site.precache = listed;
    site.wasm = wasm;
    site.files = names;

    replace_folder(out)?;
    for (name, content) in &output {
        let path = out.join(name);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| io_error("cannot write", dir, e))?;
        }
        fs::write(&path, content).map_err(|e| io_error("cannot write", &path, e))?;
        site.bytes += content.len() as u64;
        if compressible(name) {
            let gz = gzip(content);
            if gz.len() < content.len() {
                let gz_path = out.join(format!("{name}.gz"));
                fs::write(&gz_path, &gz).map_err(|e| io_error("cannot write", &gz_path, e))?;
                site.gz_bytes += gz.len() as u64;
            }
        }
    }
    Ok(site)
}

/// Depth-first: `p` after everything it references; an import cycle is an error naming it.
fn visit<'a>(
    p: &'a str,
    edges: &'a BTreeMap<String, Vec<String>>,
    state: &mut BTreeMap<&'a str, u8>,
    order: &mut Vec<String>,
    path: &mut Vec<&'a str>,
) -> Result<(), DistError> {
    match state.get(p) {
        Some(2) => return Ok(()),
        Some(_) => {
            let from = path.iter().position(|q| *q == p).unwrap_or(0);
            let mut cycle: Vec<&str> = path[from..].to_vec();
            cycle.push(p);
            return Err(DistError(format!(
                "a reference cycle, {}: no content hash can name files that name each other",
                cycle.join(" → ")
            )));
        }
        None => {}
    }
    state.insert(p, 1);
    path.push(p);
    for t in &edges[p] {
        // A page's links to other pages are not dependencies: pages keep their names.
        if keeps_name(t) {
            continue;
        }
        visit(t, edges, state, order, path)?;
    }
    path.pop();
    state.insert(p, 2);
    order.push(p.to_string());
    Ok(())
}

/// The page with a module script for the service worker's registration before `</head>`.
fn register(
    page: &str,
    content: &[u8],
    names: &BTreeMap<String, String>,
) -> Result<Vec<u8>, DistError> {
    let text = std::str::from_utf8(content).unwrap_or_default();
    let Some(at) = text.find("</head>") else {
        return Err(DistError(format!(
            "{page}: no </head> to add {REGISTER} to"
        )));
    };
    let Some(script) = names.get(REGISTER) else {
        return Err(DistError(format!(
            "{REGISTER} was not written before {page}"
        )));
    };
    let depth = page.matches('/').count();
    let src = format!("{}{script}", "../".repeat(depth));
    let tag = format!("  <script type=\"module\" src=\"{src}\"></script>\n");
    Ok(format!("{}{tag}{}", &text[..at], &text[at..]).into_bytes())
}

/// Empties `out` for a new site: creates it, or removes an earlier site (a folder with
/// [`MARKER`]) or accepts an empty folder; anything else is refused, never deleted.
fn replace_folder(out: &Path) -> Result<(), DistError> {
    if out.exists() {
        let marked = out.join(MARKER).is_file();
        let empty = fs::read_dir(out)
            .map_err(|e| io_error("cannot read", out, e))?
            .next()
            .is_none();
        if !marked && !empty {
            return Err(DistError(format!(
                "{}: a folder that optiviz dist did not write (no {MARKER}); remove it or choose another output folder",
                out.display()
            )));
        }
        if marked {
            fs::remove_dir_all(out).map_err(|e| io_error("cannot remove", out, e))?;
        }
    }
    fs::create_dir_all(out).map_err(|e| io_error("cannot write", out, e))?;
    let marker = out.join(MARKER);
    fs::write(
        &marker,
        "This folder was written by optiviz dist; the next one replaces it whole.\n",
    )
    .map_err(|e| io_error("cannot write", &marker, e))
}

/// `bytes` gzipped at the best level, with no name and time in the header (the same bytes
/// every build).
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}
