//! `optiviz wasm-split`: what a page's scripts import from the glue, which exports that keeps,
//! and the wasm cut to them.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::tempdir;
use optiviz::cli::wasm_split::{GlueImports, glue_imports, imports, needed, prune, split_pages};
use proptest::prelude::*;
use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use walrus::{FunctionBuilder, FunctionId, Module, ValType};

fn names(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn write(root: &Path, path: &str, text: &str) {
    let p = root.join(path);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

#[test]
fn reads_each_form_of_import_the_site_writes() {
    let text = "\
// Wires the page. import nothing from this comment: it is not a statement.
import init, { App, basin_legend as legend, check_tuning } from './pkg/optiviz.js';
import {
  t,
  wireLanguage,
} from './i18n.js';
import './side-effect.js';
import * as everything from \"./all.js\";
export { notice } from './runs.js';
export const x = 1;
const later = await import('./lazy.js');
";
    let found = imports(text);
    let by_spec: Vec<(&str, Vec<&str>, bool)> = found
        .iter()
        .map(|i| {
            (
                i.specifier.as_str(),
                i.names.iter().map(String::as_str).collect(),
                i.whole,
            )
        })
        .collect();
    assert_eq!(
        by_spec,
        [
            (
                "./pkg/optiviz.js",
                vec!["App", "basin_legend", "check_tuning"],
                false
            ),
            ("./i18n.js", vec!["t", "wireLanguage"], false),
            ("./side-effect.js", vec![], false),
            ("./all.js", vec![], true),
            ("./runs.js", vec!["notice"], false),
            ("./lazy.js", vec![], true),
        ]
    );
}

#[test]
fn reads_statements_without_semicolons() {
    let text = "import { a } from './a.js'\nimport {\n  b,\n  c\n} from './b.js'\nimport './c.js'\nconst x = 1;\n";
    let found: Vec<(String, Vec<String>)> = imports(text)
        .into_iter()
        .map(|i| (i.specifier, i.names))
        .collect();
    assert_eq!(
        found,
        [
            ("./a.js".to_string(), vec!["a".to_string()]),
            ("./b.js".to_string(), vec!["b".to_string(), "c".to_string()]),
            ("./c.js".to_string(), vec![]),
        ]
    );
}

#[test]
fn follows_the_module_graph_through_cycles_and_folders() {
    let site = tempdir::Dir::new();
    let root = site.path();
    write(
        root,
        "app.js",
        "import init, { App } from './pkg/optiviz.js';\nimport { a } from './lib/a.js';\n",
    );
    write(
        root,
        "lib/a.js",
        "import { b } from './b.js';\nimport { catalogue } from '../pkg/optiviz.js';\nexport const a = 1;\n",
    );
    // b imports a back: a cycle, walked once.
    write(
        root,
        "lib/b.js",
        "import { a } from './a.js';\nimport { set_language as s } from '../pkg/optiviz.js';\nexport const b = 2;\n",
    );
    write(
        root,
        "other.js",
        "import { Lab } from './pkg/optiviz.js';\n",
    );
    let found = glue_imports(root, "app.js", "pkg/optiviz.js").unwrap();
    assert_eq!(found.names, names(&["App", "catalogue", "set_language"]));
    assert!(!found.everything);
    // A dynamic import of the glue keeps every export.
    write(
        root,
        "dyn.js",
        "const m = await import('./pkg/optiviz.js');\n",
    );
    assert!(
        glue_imports(root, "dyn.js", "pkg/optiviz.js")
            .unwrap()
            .everything
    );
    // A module the graph names but the site lacks is an error naming it.
    write(root, "broken.js", "import { z } from './missing.js';\n");
    let e = glue_imports(root, "broken.js", "pkg/optiviz.js").unwrap_err();
    assert!(e.0.contains("missing.js"), "{e}");
}

#[test]
fn keeps_a_class_with_its_methods_and_the_glue_with_its_own() {
    let lab = GlueImports {
        names: names(&["Lab", "last_panic"]),
        everything: false,
    };
    for kept in [
        "lab_new",
        "lab_train",
        "__wbg_lab_free",
        "last_panic",
        "memory",
        "__wbindgen_malloc",
        "__wbindgen_start",
        "__externref_table_alloc",
    ] {
        assert!(needed(&lab, kept), "{kept} kept");
    }
    for dropped in [
        "app_new",
        "app_render",
        "__wbg_app_free",
        "basin_rows",
        "start",
        "laboratory",
    ] {
        assert!(!needed(&lab, dropped), "{dropped} dropped");
    }
    let all = GlueImports {
        names: BTreeSet::new(),
        everything: true,
    };
    assert!(needed(&all, "app_new") && needed(&all, "basin_rows"));
}

/// A function returning `value`, which calls `callee` first (its result dropped) if given.
fn function(module: &mut Module, value: i32, callee: Option<FunctionId>) -> FunctionId {
    let mut f = FunctionBuilder::new(&mut module.types, &[], &[ValType::I32]);
    let mut body = f.func_body();
    if let Some(c) = callee {
        body.call(c).drop();
    }
    body.i32_const(value);
    f.finish(vec![], &mut module.funcs)
}

/// A module shaped as wasm-bindgen's: two classes' methods and destructors, free functions,
/// the glue's own exports and the memory; what each reaches.
fn bound_module() -> Vec<u8> {
    let mut m = Module::default();
    let shared = function(&mut m, 1, None);
    let app_only = function(&mut m, 2, Some(shared));
    let app_new = function(&mut m, 3, Some(app_only));
    let lab_new = function(&mut m, 4, Some(shared));
    let app_free = function(&mut m, 5, None);
    let lab_free = function(&mut m, 6, None);
    let rows_only = function(&mut m, 7, None);
    let basin_rows = function(&mut m, 8, Some(rows_only));
    let malloc = function(&mut m, 9, None);
    for (name, f) in [
        ("app_new", app_new),
        ("lab_new", lab_new),
        ("__wbg_app_free", app_free),
        ("__wbg_lab_free", lab_free),
        ("basin_rows", basin_rows),
        ("__wbindgen_malloc", malloc),
    ] {
        m.exports.add(name, f);
    }
    let memory = m.memories.add_local(false, false, 1, None, None);
    m.exports.add("memory", memory);
    m.emit_wasm()
}

/// The exports of a wasm, and its functions' count.
fn shape(bytes: &[u8]) -> (BTreeSet<String>, usize) {
    let m = Module::from_buffer(bytes).unwrap();
    (
        m.exports.iter().map(|e| e.name.clone()).collect(),
        m.funcs.iter().count(),
    )
}

#[test]
fn cuts_the_wasm_to_the_exports_kept_and_what_they_reach() {
    let whole = bound_module();
    assert_eq!(shape(&whole).1, 9);
    let lab = GlueImports {
        names: names(&["Lab"]),
        everything: false,
    };
    let page = prune(&whole, &lab).unwrap();
    let (exports, functions) = shape(&page.wasm);
    assert_eq!(
        exports,
        names(&["lab_new", "__wbg_lab_free", "__wbindgen_malloc", "memory"])
    );
    assert_eq!(page.kept.len(), 4);
    assert_eq!(
        page.dropped
            .iter()
            .map(String::as_str)
            .collect::<BTreeSet<_>>(),
        ["app_new", "__wbg_app_free", "basin_rows"].into()
    );
    // lab_new, the shared function it calls, its destructor and malloc: app_new, the function
    // only it calls, its destructor, basin_rows and its helper are gone.
    assert_eq!(functions, 4);

    let worker = GlueImports {
        names: names(&["basin_rows"]),
        everything: false,
    };
    let page = prune(&whole, &worker).unwrap();
    assert_eq!(
        shape(&page.wasm),
        (names(&["basin_rows", "__wbindgen_malloc", "memory"]), 3)
    );
}

#[test]
fn refuses_a_page_that_imports_what_the_wasm_lacks() {
    let whole = bound_module();
    let e = prune(
        &whole,
        &GlueImports {
            names: names(&["Lab", "Course", "tune_run"]),
            everything: false,
        },
    )
    .unwrap_err();
    assert!(
        e.0.contains("\"Course\"") && e.0.contains("\"tune_run\""),
        "{e}"
    );
    assert!(prune(b"not a wasm", &GlueImports::default()).is_err());
}

#[test]
fn writes_each_page_and_checks_its_arguments() {
    let site = tempdir::Dir::new();
    let root = site.path();
    write(root, "pkg/whole_bg.wasm", "");
    fs::write(root.join("pkg/whole_bg.wasm"), bound_module()).unwrap();
    write(
        root,
        "lab.js",
        "import init, { Lab } from './pkg/optiviz.js';\n",
    );
    write(
        root,
        "worker.js",
        "import init, { basin_rows } from './pkg/optiviz.js';\n",
    );
    let pages = ["lab=lab.js".to_string(), "worker=worker.js".to_string()];
    let wasm = root.join("pkg/whole_bg.wasm");
    let out = root.join("pkg");
    let lines = split_pages(root, &wasm, "pkg/optiviz.js", &out, "_bg", &pages).unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        shape(&fs::read(out.join("worker_bg.wasm")).unwrap()).0,
        names(&["basin_rows", "__wbindgen_malloc", "memory"])
    );
    assert!(out.join("lab_bg.wasm").is_file());
    for (bad, says) in [
        ("lab", "PAGE=ENTRY"),
        ("../x=lab.js", "letters, digits"),
        ("=lab.js", "letters, digits"),
    ] {
        let e = split_pages(
            root,
            &wasm,
            "pkg/optiviz.js",
            &out,
            "_bg",
            &[bad.to_string()],
        )
        .unwrap_err();
        assert!(e.0.contains(says), "{bad}: {e}");
    }
}

/// A JavaScript identifier.
fn ident() -> impl Strategy<Value = String> {
    "[A-Za-z_$][A-Za-z0-9_$]{0,12}"
}

proptest! {
    /// An import statement written with any spacing, line breaks and aliases, with its `;` or
    /// without, reads back as the names and module it was written with.
    #[test]
    fn an_import_reads_back(
        list in prop::collection::vec((ident(), prop::option::of(ident())), 1..8),
        default in prop::option::of(ident()),
        module in "[a-z][a-z0-9_/-]{0,20}\\.js",
        gap in prop::sample::select(vec![" ", "\n  ", " \n", "\t"]),
        double in any::<bool>(),
        semicolon in any::<bool>(),
    ) {
        let items: Vec<String> = list
            .iter()
            .map(|(n, alias)| match alias {
                Some(a) => format!("{n} as {a}"),
                None => n.clone(),
            })
            .collect();
        let q = if double { '"' } else { '\'' };
        let head = default.map(|d| format!("{d}, ")).unwrap_or_default();
        let end = if semicolon { ";" } else { "" };
        let text = format!(
            "const before = 1;\nimport {head}{{{gap}{}{gap}}} from {q}./{module}{q}{end}\nlet after;\n",
            items.join(&format!(",{gap}"))
        );
        let found = imports(&text);
        prop_assert_eq!(found.len(), 1);
        prop_assert_eq!(&found[0].specifier, &format!("./{module}"));
        let expected: Vec<String> = list.iter().map(|(n, _)| n.clone()).collect();
        prop_assert_eq!(&found[0].names, &expected);
        prop_assert!(!found[0].whole);
    }

    /// Any text reads without a panic.
    #[test]
    fn any_text_reads(text in "(import|export|from|[{}'\";,*\n ]|\\PC){0,200}") {
        let _ = imports(&text);
    }
}
