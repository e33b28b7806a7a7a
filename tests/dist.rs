//! `optiviz dist`: every reference in the written site names a file of it, names carry their
//! content's hash and change when it (or anything it references) changes, the `.gz` files are
//! the files, and a folder it did not write is never replaced.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::tempdir;
use optiviz::cli::dist::{
    MARKER, build, content_hash, gzip, hashed_name, page_references, resolve, script_literals,
    style_references,
};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

fn write(root: &Path, path: &str, content: &str) {
    let p = root.join(path);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, content).unwrap();
}

/// A small site with every kind of reference the real one has.
fn small_site(root: &Path) {
    write(
        root,
        "index.html",
        r##"<!doctype html><html><head>
  <link rel="icon" href="icon.svg">
  <link rel="stylesheet" href='style.css'>
  <link rel="modulepreload" href="pkg/glue.js">
  <script type="module" async src="pick.js"></script>
</head><body>
  <a href="other.html">other</a> <a href="./">home</a> <a href="https://example.org/x.js">out</a>
  <a href="#top">top</a>
  <iframe src="index.html?embed&amp;story=x"></iframe>
  <img src="img/pic.png" alt="">
  <script type="module" src="a.js"></script>
</body></html>"##,
    );
    write(
        root,
        "other.html",
        "<!doctype html><head><link rel=\"stylesheet\" href=\"style.css\"></head><a href=\"index.html\">back</a>",
    );
    write(
        root,
        "a.js",
        "// the page's script, with an apostrophe in a comment\nimport { b } from './b.js';\nimport init from \"./pkg/glue.js\";\nimport { wasm } from './pick.js';\nconst w = new Worker(new URL('w.js', import.meta.url), { type: 'module' });\nconst name = 'download.csv';\nconst lazy = () => import('./b.js');\n",
    );
    write(root, "b.js", "export const b = 1;\n");
    write(root, "c.js", "export const c = 2; // named by nobody\n");
    write(root, "w.js", "import { b } from './b.js';\n");
    write(
        root,
        "pick.js",
        "export const wasm = new URL(probe() ? 'pkg/x_bg.wasm' : 'pkg/y_bg.wasm', import.meta.url);\n",
    );
    write(
        root,
        "pkg/glue.js",
        "export default function init() { return new URL('x_bg.wasm', import.meta.url); }\n",
    );
    write(root, "pkg/x_bg.wasm", "\0asm simd");
    write(root, "pkg/y_bg.wasm", "\0asm plain");
    write(
        root,
        "style.css",
        "@import 'more.css';\nbody { background: url(\"img/pic.png\"); }\n",
    );
    write(root, "more.css", "p { color: red }\n");
    write(root, "img/pic.png", "PNG");
    write(
        root,
        "icon.svg",
        "<svg xmlns='http://www.w3.org/2000/svg'/>",
    );
    write(root, ".secret", "not for the site");
}

/// Every file under `root`, `/`-separated, without the marker.
fn files(root: &Path) -> Vec<String> {
    fn go(dir: &Path, prefix: &str, out: &mut Vec<String>) {
        for e in fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let name = e.file_name().into_string().unwrap();
            if e.file_type().unwrap().is_dir() {
                go(&e.path(), &format!("{prefix}{name}/"), out);
            } else if name != MARKER {
                out.push(format!("{prefix}{name}"));
            }
        }
    }
    let mut out = Vec::new();
    go(root, "", &mut out);
    out.sort();
    out
}

/// Text without its comments, as the test reads it: `//` to the line's end (outside a quote on
/// that line, which the small site and the real pages never break), and `/* … */`.
fn without_comments(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("/*") {
        out.push_str(&rest[..at]);
        rest = rest[at..].find("*/").map_or("", |e| &rest[at + e + 2..]);
    }
    out.push_str(rest);
    out.lines()
        .map(|l| {
            let t = l.trim_start();
            if t.starts_with("//") {
                ""
            } else if let Some(at) = l.find(" // ") {
                &l[..at]
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every reference in the written site, found the test's own way: (file, reference).
fn site_references(root: &Path) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for f in files(root) {
        let Ok(text) = fs::read_to_string(root.join(&f)) else {
            continue;
        };
        let mut push = |r: &str| found.push((f.clone(), r.to_string()));
        if f.ends_with(".html") {
            for attr in ["href=\"", "href='", "src=\"", "src='"] {
                let q = attr.chars().last().unwrap();
                for part in text.split(attr).skip(1) {
                    push(part.split(q).next().unwrap());
                }
            }
        } else if f.ends_with(".js") {
            let code = without_comments(&text);
            // Quoted scripts and wasm: imports, import(), new URL(…), either branch of a ?:
            // (not the names of the files the page downloads, optiviz-surface.png and so on).
            for q in ['\'', '"'] {
                for (i, part) in code.split(q).enumerate() {
                    let ext = [".js", ".wasm"];
                    // A file's name, not an extension alone ('.wasm' in sw.js's pattern).
                    let name = part.rsplit('/').next().unwrap();
                    let named = !name.starts_with('.') && ext.iter().any(|e| name.ends_with(e));
                    if i % 2 == 1 && !part.contains(' ') && named {
                        push(part);
                    }
                }
            }
        } else if f.ends_with(".css") {
            for part in text.split("url(").skip(1) {
                push(part.split(')').next().unwrap().trim_matches(['"', '\'']));
            }
            for part in text.split("@import '").skip(1) {
                push(part.split('\'').next().unwrap());
            }
        }
    }
    found
}

/// The file `reference` in `file` names, under `root`, if it is a relative reference: the
/// path joined the way a browser resolves it, a folder giving its index.html.
fn target(root: &Path, file: &str, reference: &str) -> Option<PathBuf> {
    if reference.contains("://") || reference.starts_with('#') {
        return None;
    }
    let path = reference.split(['?', '#']).next().unwrap();
    let dir = Path::new(file).parent().unwrap();
    let mut joined = root.join(dir).join(path);
    if path.ends_with('/') {
        joined = joined.join("index.html");
    }
    Some(joined)
}

fn assert_every_reference_resolves(root: &Path) -> usize {
    let refs = site_references(root);
    let mut checked = 0;
    for (file, r) in &refs {
        if let Some(t) = target(root, file, r) {
            assert!(
                t.is_file(),
                "{file}: '{r}' names {}, which is not in the site",
                t.display()
            );
            checked += 1;
        }
    }
    checked
}

fn ungzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// The output name of each source file, read off the written site: `name.HASH.ext` → `name.ext`.
fn renamed(root: &Path) -> BTreeMap<String, String> {
    files(root)
        .into_iter()
        .filter(|f| !f.ends_with(".gz"))
        .map(|f| {
            let parts: Vec<&str> = f.rsplitn(3, '.').collect();
            let source = match parts.as_slice() {
                [ext, hash, stem]
                    if hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()) =>
                {
                    format!("{stem}.{ext}")
                }
                _ => f.clone(),
            };
            (source, f)
        })
        .collect()
}

#[test]
fn fnv1a_is_the_published_function() {
    // FNV-1a 64's published test vectors (Fowler, Noll, Vo).
    assert_eq!(content_hash(b""), "cbf29ce484222325");
    assert_eq!(content_hash(b"a"), "af63dc4c8601ec8c");
    assert_eq!(content_hash(b"foobar"), "85944171f73967e8");
    assert_eq!(
        hashed_name("pkg/optiviz_bg.wasm", "0123"),
        "pkg/optiviz_bg.0123.wasm"
    );
    assert_eq!(hashed_name("app.js", "ab"), "app.ab.js");
    assert_eq!(hashed_name("LICENSE", "ab"), "LICENSE.ab");
}

#[test]
fn references_resolve_as_a_browser_resolves_them() {
    assert_eq!(resolve("index.html", "./app.js").as_deref(), Some("app.js"));
    assert_eq!(
        resolve("pkg/glue.js", "x_bg.wasm").as_deref(),
        Some("pkg/x_bg.wasm")
    );
    assert_eq!(
        resolve("pkg/glue.js", "../app.js?v=1#x").as_deref(),
        Some("app.js")
    );
    assert_eq!(resolve("lab.html", "./").as_deref(), Some("index.html"));
    assert_eq!(resolve("a/b.html", "./").as_deref(), Some("a/index.html"));
    for not_relative in [
        "https://x/y.js",
        "//host/y.js",
        "/y.js",
        "#top",
        "",
        "../../y.js",
        "data:x",
    ] {
        assert_eq!(resolve("pkg/glue.js", not_relative), None, "{not_relative}");
    }
}

#[test]
fn every_reference_in_the_site_names_a_file_of_it() {
    let src = tempdir::Dir::new();
    let out = tempdir::Dir::new();
    small_site(src.path());
    let site = build(src.path(), out.path()).unwrap();
    let names = renamed(out.path());
    // Pages keep their names; everything else is name.HASH.ext, the hash its written content's.
    assert_eq!(names["index.html"], "index.html");
    assert_eq!(names["other.html"], "other.html");
    for (source, written) in &names {
        if !source.ends_with(".html") {
            assert_ne!(source, written, "{source} keeps its name");
            let hash = written.rsplit('.').nth(1).unwrap();
            let content = fs::read(out.path().join(written)).unwrap();
            assert_eq!(hash, content_hash(&content), "{written}");
        }
    }
    // Every file is there, the dotfile not.
    let sources: Vec<&String> = names.keys().collect();
    assert_eq!(
        sources,
        [
            "a.js",
            "b.js",
            "c.js",
            "icon.svg",
            "img/pic.png",
            "index.html",
            "more.css",
            "other.html",
            "pick.js",
            "pkg/glue.js",
            "pkg/x_bg.wasm",
            "pkg/y_bg.wasm",
            "style.css",
            "w.js"
        ]
    );
    assert_eq!(site.files, names);
    // index.html: 6 files and 3 links to pages; a.js: b twice, glue, pick, w; pick: both wasm;
    // glue: one wasm; w: b; other.html: style, index; style.css: more, pic.
    let checked = assert_every_reference_resolves(out.path());
    assert_eq!(checked, 9 + 5 + 2 + 1 + 1 + 2 + 2, "references checked");
    // What is not a file of the site stays as written.
    let a = fs::read_to_string(out.path().join(&names["a.js"])).unwrap();
    assert!(
        a.contains("'download.csv'") && a.contains("the page's script"),
        "{a}"
    );
    let index = fs::read_to_string(out.path().join("index.html")).unwrap();
    assert!(
        index.contains(r#"src="index.html?embed&amp;story=x""#)
            && index.contains("https://example.org/x.js")
    );
    assert!(
        index.contains(&format!("href='{}'", names["style.css"])),
        "{index}"
    );
    // Each .gz is its file.
    for f in files(out.path()).iter().filter(|f| f.ends_with(".gz")) {
        let plain = fs::read(out.path().join(f.trim_end_matches(".gz"))).unwrap();
        assert_eq!(ungzip(&fs::read(out.path().join(f)).unwrap()), plain, "{f}");
    }
    assert!(files(out.path()).contains(&"index.html.gz".to_string()));
}

/// Each page's wasm and the workers', with SIMD and without, as scripts/build-wasm.sh writes them.
const PAGE_BUILDS: [&str; 8] = [
    "pkg/course_bg.wasm",
    "pkg/course_nosimd_bg.wasm",
    "pkg/index_bg.wasm",
    "pkg/index_nosimd_bg.wasm",
    "pkg/lab_bg.wasm",
    "pkg/lab_nosimd_bg.wasm",
    "pkg/worker_bg.wasm",
    "pkg/worker_nosimd_bg.wasm",
];

/// The real pages (www/ without its built pkg/, which a stand-in replaces: the glue fetching
/// its wasm by the same `new URL`, the whole build, and each page's and the workers' builds).
fn real_site(root: &Path) {
    let www = Path::new(env!("CARGO_MANIFEST_DIR")).join("www");
    for e in fs::read_dir(&www).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().into_string().unwrap();
        if e.file_type().unwrap().is_file() && !name.starts_with('.') {
            fs::copy(e.path(), root.join(&name)).unwrap();
        }
    }
    write(
        root,
        "pkg/optiviz.js",
        "export default async function init() { return new URL('optiviz_bg.wasm', import.meta.url); }\n",
    );
    write(root, "pkg/optiviz_bg.wasm", "\0asm whole");
    write(root, "pkg/optiviz_nosimd_bg.wasm", "\0asm whole plain");
    for build in PAGE_BUILDS {
        write(root, build, &format!("\0asm {build}"));
    }
}

#[test]
fn the_real_pages_make_a_site_whose_references_all_resolve() {
    let src = tempdir::Dir::new();
    let out = tempdir::Dir::new();
    real_site(src.path());
    build(src.path(), out.path()).unwrap();
    let names = renamed(out.path());
    for page in [
        "index.html",
        "lab.html",
        "course.html",
        "embed-example.html",
    ] {
        assert_eq!(names[page], page);
    }
    let checked = assert_every_reference_resolves(out.path());
    assert!(checked > 40, "{checked} references checked");
    // The wasm is picked among the hashed page builds.
    let pick = fs::read_to_string(out.path().join(&names["wasm.js"])).unwrap();
    for wasm in PAGE_BUILDS {
        assert!(
            pick.contains(&format!("'{}'", names[wasm])),
            "{wasm} in {pick}"
        );
    }
    // Every page registers the service worker; it keeps its name and lists every other file
    // of the site, the wasm builds apart.
    for page in [
        "index.html",
        "lab.html",
        "course.html",
        "embed-example.html",
    ] {
        let text = fs::read_to_string(out.path().join(page)).unwrap();
        let tag = format!(
            "<script type=\"module\" src=\"{}\"></script>\n</head>",
            names["offline.js"]
        );
        assert!(text.contains(&tag), "{page} registers the service worker");
    }
    let (precache, wasm, version) = service_worker(out.path());
    let mut expected: Vec<String> = names
        .values()
        .filter(|n| *n != "sw.js" && !n.ends_with(".wasm"))
        .cloned()
        .collect();
    expected.sort();
    expected.insert(0, "./".into());
    assert_eq!(precache, expected);
    // Every build: the whole ones (which the service worker caches) and the pages'.
    let mut builds: Vec<&str> = PAGE_BUILDS.to_vec();
    builds.extend(["pkg/optiviz_bg.wasm", "pkg/optiviz_nosimd_bg.wasm"]);
    builds.sort();
    assert_eq!(
        wasm,
        builds.iter().map(|b| names[*b].clone()).collect::<Vec<_>>()
    );
    // A new build names a new cache; the same build the same one.
    build(src.path(), out.path()).unwrap();
    assert_eq!(service_worker(out.path()).2, version);
    write(src.path(), "style.css", "body { color: black }\n");
    build(src.path(), out.path()).unwrap();
    assert_ne!(service_worker(out.path()).2, version);
}

/// The written sw.js's precache list, wasm list and version.
fn service_worker(root: &Path) -> (Vec<String>, Vec<String>, String) {
    let sw = fs::read_to_string(root.join("sw.js")).unwrap();
    let value = |name: &str| -> serde_json::Value {
        let line = sw
            .lines()
            .find(|l| l.starts_with(&format!("const {name} = ")))
            .unwrap();
        serde_json::from_str(line.split_once(" = ").unwrap().1.trim_end_matches(';')).unwrap()
    };
    let list = |v: serde_json::Value| -> Vec<String> { serde_json::from_value(v).unwrap() };
    (
        list(value("PRECACHE")),
        list(value("WASM")),
        value("VERSION").as_str().unwrap().to_string(),
    )
}

#[test]
fn names_change_with_content_and_with_what_it_references() {
    let src = tempdir::Dir::new();
    let out = tempdir::Dir::new();
    small_site(src.path());
    build(src.path(), out.path()).unwrap();
    let before = renamed(out.path());
    // Building again gives the same site, byte for byte.
    build(src.path(), out.path()).unwrap();
    assert_eq!(renamed(out.path()), before);
    // b.js changes: b, and a and w that import it, get new names; nothing else does.
    write(src.path(), "b.js", "export const b = 2;\n");
    build(src.path(), out.path()).unwrap();
    let after = renamed(out.path());
    let changed: Vec<&str> = before
        .iter()
        .filter(|(k, v)| after[*k] != **v)
        .map(|(k, _)| k.as_str())
        .collect();
    assert_eq!(changed, ["a.js", "b.js", "w.js"]);
    // The old names are gone: the folder was replaced, not added to.
    assert!(!out.path().join(&before["b.js"]).exists());
    assert_every_reference_resolves(out.path());
    // The wasm without SIMD changes: it, pick.js which names it, a.js which imports pick.js.
    write(src.path(), "pkg/y_bg.wasm", "\0asm plain 2");
    build(src.path(), out.path()).unwrap();
    let again = renamed(out.path());
    let changed: Vec<&str> = after
        .iter()
        .filter(|(k, v)| again[*k] != **v)
        .map(|(k, _)| k.as_str())
        .collect();
    assert_eq!(changed, ["a.js", "pick.js", "pkg/y_bg.wasm"]);
}

#[test]
fn a_folder_it_did_not_write_is_refused_and_kept() {
    let src = tempdir::Dir::new();
    let out = tempdir::Dir::new();
    small_site(src.path());
    write(out.path(), "thesis.tex", "years of work");
    let e = build(src.path(), out.path()).unwrap_err().to_string();
    assert!(e.contains("did not write") && e.contains(MARKER), "{e}");
    assert_eq!(
        fs::read_to_string(out.path().join("thesis.tex")).unwrap(),
        "years of work"
    );
    // An empty folder is filled; the output may not lie inside the source.
    fs::remove_file(out.path().join("thesis.tex")).unwrap();
    build(src.path(), out.path()).unwrap();
    let e = build(src.path(), &src.path().join("dist"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("or lie inside it"), "{e}");
    // The source folder itself, named relative to the working folder, is refused too.
    let here = std::env::current_dir().unwrap();
    let www = Path::new(env!("CARGO_MANIFEST_DIR")).join("www");
    let e = build(&www, &pathdiff(&www, &here)).unwrap_err().to_string();
    assert!(e.contains("may not be the source folder"), "{e}");
    // A folder that contains itself is refused, not walked for ever.
    let deep = tempdir::Dir::new();
    small_site(deep.path());
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(deep.path(), deep.path().join("img/loop")).unwrap();
        let e = build(deep.path(), &out.path().join("site"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("folders deep"), "{e}");
    }
}

/// `to` relative to `from` (both absolute), with `..` where needed.
fn pathdiff(to: &Path, from: &Path) -> PathBuf {
    let (to, from): (Vec<_>, Vec<_>) = (to.components().collect(), from.components().collect());
    let common = to.iter().zip(&from).take_while(|(a, b)| a == b).count();
    let mut out: PathBuf = from[common..].iter().map(|_| "..").collect();
    out.extend(&to[common..]);
    out
}

#[test]
fn broken_sites_are_refused_with_the_reason() {
    let src = tempdir::Dir::new();
    let out = tempdir::Dir::new();
    small_site(src.path());
    write(
        src.path(),
        "other.html",
        "<link rel=\"stylesheet\" href=\"gone.css\">",
    );
    let e = build(src.path(), out.path()).unwrap_err().to_string();
    assert_eq!(
        e,
        format!(
            "other.html: \"gone.css\" names gone.css, which is not in {}",
            src.path().display()
        )
    );
    small_site(src.path());
    write(src.path(), "b.js", "import { a } from './a.js';\n");
    let e = build(src.path(), out.path()).unwrap_err().to_string();
    assert!(
        e.starts_with("a reference cycle, a.js → b.js → a.js"),
        "{e}"
    );
    small_site(src.path());
    write(src.path(), "sw.js", "const PRECACHE = \"__PRECACHE__\";");
    let e = build(src.path(), out.path()).unwrap_err().to_string();
    assert!(
        e.ends_with("sw.js and offline.js go together; found only one"),
        "{e}"
    );
    write(src.path(), "offline.js", "");
    let e = build(src.path(), out.path()).unwrap_err().to_string();
    assert_eq!(e, "sw.js: no \"__WASM__\" to replace");
    let empty = tempdir::Dir::new();
    let e = build(empty.path(), out.path()).unwrap_err().to_string();
    assert!(e.ends_with("no index.html"), "{e}");
}

#[test]
fn gzip_output_is_the_same_every_time_and_smaller() {
    let text = "optimizers racing ".repeat(200);
    let gz = gzip(text.as_bytes());
    assert_eq!(gz, gzip(text.as_bytes()));
    assert!(gz.len() < text.len() / 10);
    assert_eq!(ungzip(&gz), text.as_bytes());
    // No name and no time in the header: bytes 4..10 are flags, mtime (0), extra flags.
    assert_eq!(&gz[3..8], &[0, 0, 0, 0, 0]);
}

#[test]
fn the_command_writes_the_site_and_names_what_it_refuses() {
    let src = tempdir::Dir::new();
    let out = tempdir::Dir::new();
    small_site(src.path());
    let run = |out: &Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_optiviz"))
            .args(["dist", "--from"])
            .arg(src.path())
            .arg("--out")
            .arg(out)
            .output()
            .unwrap()
    };
    let ok = run(&out.path().join("site"));
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let said = String::from_utf8_lossy(&ok.stdout);
    assert!(said.starts_with("optiviz dist: 14 files in "), "{said}");
    assert!(out.path().join("site/index.html").is_file());
    let refused = run(src.path());
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).starts_with("optiviz dist: "));
}

proptest! {
    /// Any text: every reference found is a range inside it, on character boundaries, in order.
    #[test]
    fn scanners_find_ranges_inside_any_text(text in "(\\PC|['\"()=@ \n./a-z])*") {
        for refs in [script_literals(&text), page_references(&text), style_references(&text)] {
            let mut last = 0;
            for r in refs {
                prop_assert!(r.start <= r.end && r.end <= text.len());
                prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
                prop_assert!(r.start >= last);
                last = r.end;
            }
        }
    }

    /// Any relative reference resolves to a path without `.` or `..` segments, or to nothing.
    #[test]
    fn resolved_paths_are_plain(from in "([a-z]{1,3}/){0,2}[a-z]{1,3}\\.js", r in "(\\.\\.?/|[a-z]{1,3}/){0,4}[a-z]{0,3}(\\.js)?") {
        if let Some(p) = resolve(&from, &r) {
            prop_assert!(p.split('/').all(|s| !s.is_empty() && s != "." && s != ".."), "{p}");
        }
    }
}
