//! `optiviz wasm-split`: one wasm per page, each holding only the code its page's scripts reach.
//!
//! The crate builds one wasm with every handle the site exports (the surface page's `App`, the
//! lab's `Lab`, the course's `Course`, the workers' jobs) and wasm-bindgen binds it to one glue,
//! `pkg/optiviz.js`. A page runs a small part of it: the lab never draws a basin map, the course
//! never simulates a run. For each page (an entry script, and every module it imports, however
//! deep) this reads which of the glue's exports the scripts import by name, keeps those exports
//! of the wasm (a class's methods with its class) and the glue's own (`__wbindgen_*`, the
//! externref table, the memory), drops the rest, and lets walrus (the wasm toolkit wasm-bindgen
//! itself is built on) remove every function, table entry and global nothing kept still reaches.
//! The glue stays one file: an export a page's wasm lacks is one its scripts never import.
//!
//! Each remaining function is the whole build's, re-encoded instruction for instruction, so the
//! code that remains runs exactly as in the whole build; only what was unreachable is gone. The data section stays whole (it is one segment
//! at fixed addresses).

use std::collections::BTreeSet;
use std::fmt;
use std::fs;
use std::path::Path;

use super::dist::resolve;

/// At most this many modules in one page's import graph (a guard against a link cycle walked
/// for ever; the site has a dozen).
pub const MAX_MODULES: usize = 200;

/// Why a page's wasm could not be written, naming the file and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitError(pub String);

impl fmt::Display for SplitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SplitError {}

/// What a page's scripts import from the glue.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GlueImports {
    /// The names imported (`App`, `basin_rows` ...), the default export (`init`) left out.
    pub names: BTreeSet<String>,
    /// Whether some script imports the glue whole (`import * as m`, or `import('…')`), so
    /// every export must stay.
    pub everything: bool,
}

/// One static import or re-export of a script: the module it names and the names it binds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// The specifier as written (`./pkg/optiviz.js`).
    pub specifier: String,
    /// The named bindings' source names (`{ A, B as C }` gives `A`, `B`).
    pub names: Vec<String>,
    /// Whether it binds the whole module (`* as m`) or is a dynamic `import('…')`.
    pub whole: bool,
}

/// The imports of a script: each statement that starts a line with `import` or `export … from`
/// (up to its `;`, or its line's end outside a `{ … }` list), by its `from '…'` (or `import '…'`
/// alone), and each `import('…')` with a literal specifier. The site's scripts are plain ES
/// modules, one statement per import, so this reads them without a JavaScript parser; a line
/// comment (`// import …`) is not a statement.
pub fn imports(text: &str) -> Vec<Import> {
    let mut found = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_start();
        let statement = trimmed.starts_with("import ")
            || trimmed.starts_with("import{")
            || (trimmed.starts_with("export ") && trimmed.contains('{'));
        if !statement {
            continue;
        }
        let from = start + (line.len() - trimmed.len());
        let end = from + statement_end(&text[from..]);
        if let Some(import) = statement_import(&text[from..end]) {
            found.push(import);
        }
    }
    let mut from = 0;
    while let Some(at) = text[from..].find("import(") {
        let at = from + at + "import(".len();
        from = at;
        if let Some(specifier) = quoted(text[at..].trim_start()) {
            found.push(Import {
                specifier,
                names: Vec::new(),
                whole: true,
            });
        }
    }
    found
}

/// Where the statement at the start of `s` ends: at its `;`, or at a line's end outside its
/// `{ … }` list (a statement without a `;` ends with its line).
fn statement_end(s: &str) -> usize {
    let mut depth = 0i32;
    for (i, b) in s.bytes().enumerate() {
        match b {
            b'{' => depth += 1,
            b'}' => depth -= 1,
            b';' => return i,
            b'\n' if depth <= 0 => return i,
            _ => {}
        }
    }
    s.len()
}

/// The string a literal at the start of `s` holds (`'…'` or `"…"`), if it starts with one.
fn quoted(s: &str) -> Option<String> {
    let q = s.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let n = s[1..].find(q)?;
    Some(s[1..1 + n].to_string())
}

/// One `import …` or `export … from` statement (without its `;`).
fn statement_import(statement: &str) -> Option<Import> {
    let (clause, specifier) = match statement.rfind(" from") {
        Some(at) => (
            &statement[..at],
            quoted(statement[at + " from".len()..].trim_start())?,
        ),
        // `import './side-effect.js'`: a module run for its effects, binding nothing.
        None => ("", quoted(statement.strip_prefix("import")?.trim_start())?),
    };
    let whole = clause.contains('*');
    let names = match (clause.find('{'), clause.rfind('}')) {
        (Some(open), Some(close)) if open < close => clause[open + 1..close]
            .split(',')
            .filter_map(|part| part.split_whitespace().next())
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    };
    Some(Import {
        specifier,
        names,
        whole,
    })
}

/// What the module graph from `entry` (a path under `site`, `/`-separated) imports from the
/// glue at `glue` (a path under `site`), following every relative import.
pub fn glue_imports(site: &Path, entry: &str, glue: &str) -> Result<GlueImports, SplitError> {
    let mut seen = BTreeSet::new();
    let mut queue = vec![entry.to_string()];
    let mut out = GlueImports::default();
    while let Some(module) = queue.pop() {
        if !seen.insert(module.clone()) {
            continue;
        }
        if seen.len() > MAX_MODULES {
            return Err(SplitError(format!(
                "{entry}: more than {MAX_MODULES} modules in its import graph"
            )));
        }
        let path = site.join(&module);
        let text = fs::read_to_string(&path)
            .map_err(|e| SplitError(format!("{}: {e}", path.display())))?;
        for import in imports(&text) {
            let Some(target) = resolve(&module, &import.specifier) else {
                continue;
            };
            if target == glue {
                out.names.extend(import.names);
                out.everything |= import.whole;
            } else if !seen.contains(&target) {
                queue.push(target);
            }
        }
    }
    Ok(out)
}

/// Whether a page whose scripts import `imports` from the glue needs the wasm export `export`:
/// the glue's own exports (named `__…`, but a class's destructor `__wbg_<class>_free`, and
/// `memory`) always; a function by its name; a class `C`'s methods and destructor (exported
/// as `c_…` and `__wbg_c_free`, the class name lowercased) with the class.
pub fn needed(imports: &GlueImports, export: &str) -> bool {
    if imports.everything || export == "memory" || imports.names.contains(export) {
        return true;
    }
    if let Some(rest) = export.strip_prefix("__wbg_") {
        return !rest.ends_with("_free") || class_imported(imports, rest.trim_end_matches("_free"));
    }
    if export.starts_with("__") {
        return true;
    }
    export
        .split_once('_')
        .is_some_and(|(class, _)| class_imported(imports, class))
}

/// Whether a class whose lowercased name is `lower` is among the imported names (a class's
/// name starts with a capital letter; functions are snake case).
fn class_imported(imports: &GlueImports, lower: &str) -> bool {
    imports
        .names
        .iter()
        .any(|n| n.starts_with(|c: char| c.is_ascii_uppercase()) && n.to_lowercase() == lower)
}

/// A page's wasm, cut from the whole build.
#[derive(Debug, Clone)]
pub struct Pruned {
    /// The wasm.
    pub wasm: Vec<u8>,
    /// The exports it kept.
    pub kept: Vec<String>,
    /// The whole build's exports it dropped.
    pub dropped: Vec<String>,
}

/// The wasm `whole` with only the exports a page importing `imports` needs ([`needed`]), and
/// only what those reach. Every imported name must be among the wasm's exports (else a page
/// would call a function its wasm lacks).
pub fn prune(whole: &[u8], imports: &GlueImports) -> Result<Pruned, SplitError> {
    let mut module = walrus::ModuleConfig::new()
        .generate_producers_section(false)
        .parse(whole)
        .map_err(|e| SplitError(format!("not a wasm module walrus can read: {e}")))?;
    let exported: BTreeSet<&str> = module.exports.iter().map(|e| e.name.as_str()).collect();
    let missing: Vec<&String> = imports
        .names
        .iter()
        .filter(|n| {
            let lower = n.to_lowercase();
            !exported.contains(n.as_str())
                && !exported.iter().any(|e| e.starts_with(&format!("{lower}_")))
        })
        .collect();
    if !missing.is_empty() {
        return Err(SplitError(format!(
            "the scripts import {missing:?} from the glue, which the wasm does not export"
        )));
    }
    let (mut kept, mut dropped) = (Vec::new(), Vec::new());
    let doomed: Vec<_> = module
        .exports
        .iter()
        .filter_map(|e| {
            if needed(imports, &e.name) {
                kept.push(e.name.clone());
                None
            } else {
                dropped.push(e.name.clone());
                Some(e.id())
            }
        })
        .collect();
    for id in doomed {
        module.exports.delete(id);
    }
    walrus::passes::gc::run(&mut module);
    Ok(Pruned {
        wasm: module.emit_wasm(),
        kept,
        dropped,
    })
}

/// A page's name, as `PAGE=ENTRY` gives it: 1 to 40 ASCII letters, digits and `-`.
fn page_name(name: &str) -> Result<&str, SplitError> {
    let ok = !name.is_empty()
        && name.len() <= 40
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if ok {
        Ok(name)
    } else {
        Err(SplitError(format!(
            "page name {name:?}: use 1 to 40 letters, digits and '-'"
        )))
    }
}

/// Writes each page's wasm (`pages`: `PAGE=ENTRY`) into `out` as `PAGE` + `suffix` + `.wasm`,
/// from the whole build at `wasm`; a line per page saying what it kept.
pub fn split_pages(
    site: &Path,
    wasm: &Path,
    glue: &str,
    out: &Path,
    suffix: &str,
    pages: &[String],
) -> Result<Vec<String>, SplitError> {
    let whole = fs::read(wasm).map_err(|e| SplitError(format!("{}: {e}", wasm.display())))?;
    let mut lines = Vec::new();
    for page in pages {
        let Some((name, entry)) = page.split_once('=') else {
            return Err(SplitError(format!(
                "{page:?}: give each page as PAGE=ENTRY (lab=lab.js)"
            )));
        };
        let name = page_name(name)?;
        let imports = glue_imports(site, entry, glue)?;
        let page = prune(&whole, &imports).map_err(|e| SplitError(format!("{entry}: {e}")))?;
        let file = out.join(format!("{name}{suffix}.wasm"));
        fs::write(&file, &page.wasm).map_err(|e| SplitError(format!("{}: {e}", file.display())))?;
        lines.push(format!(
            "{} ({} of {} bytes; {} exports kept, {} dropped)",
            file.display(),
            page.wasm.len(),
            whole.len(),
            page.kept.len(),
            page.dropped.len()
        ));
    }
    Ok(lines)
}
