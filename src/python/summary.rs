//! What one Python file defines at module level, distilled from its syntax tree: functions with
//! their parameters, classes with their members, assignments, imports, `__all__`.
//!
//! A summary is small and owns its data, so the per-file cache keeps summaries rather than trees.
//! Every binding of a name is kept in source order, including those inside `if`/`try`/`with`
//! blocks: any branch may be the one that runs, so resolution treats each as a candidate.

use std::collections::HashMap;
use std::ops::Range;

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::Ranged;

/// The module-level bindings of one file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ModuleSummary {
    /// Every binding of each name, in source order.
    pub names: HashMap<String, Vec<Binding>>,
    /// Names in source order of first binding (for stable candidate lists).
    pub order: Vec<String>,
    /// `__all__` when it is a literal list or tuple of strings (possibly extended by `+=`).
    pub all: Option<Vec<String>>,
    /// `from x import *`: modules whose public names this module re-exports.
    pub star_imports: Vec<ImportTarget>,
    /// A module-level `def __getattr__`: any attribute may exist.
    pub has_getattr: bool,
    /// First line of the module docstring.
    pub doc: Option<String>,
    /// Whether the parser reported syntax errors (the summary is then best effort).
    pub has_syntax_errors: bool,
}

/// One way a name gets bound at module (or class) level.
#[derive(Clone, Debug, PartialEq)]
pub struct Binding {
    /// Byte range of the name where it is bound (the `def` name, the assignment target).
    pub name_range: Range<usize>,
    /// Byte range of the whole statement (for edits that insert after it).
    pub stmt_range: Range<usize>,
    pub kind: BindingKind,
}

/// What a binding binds.
#[derive(Clone, Debug, PartialEq)]
pub enum BindingKind {
    Function(Function),
    Class(Class),
    /// `name = <value>` or `name: T = <value>`.
    Value(Value),
    /// `from <module> import <name> [as alias]`.
    ImportFrom {
        from: ImportTarget,
        name: String,
    },
    /// `import a.b as c` binds `c` to module `a.b`; `import a.b` binds `a` to module `a`.
    ImportModule {
        module: String,
    },
}

/// Where a `from` import looks.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ImportTarget {
    /// Number of leading dots (0 = absolute).
    pub level: u32,
    /// The dotted module after the dots (may be empty for `from . import x`).
    pub module: String,
}

/// A function definition (or a lambda).
#[derive(Clone, Debug, PartialEq)]
pub struct Function {
    pub name: String,
    pub is_async: bool,
    /// Decorators as dotted text with call marker: `click.command()`, `app.command()`, `staticmethod`.
    pub decorators: Vec<Decorator>,
    pub params: Params,
    /// `def main(config: str) -> None`, as written.
    pub signature: String,
    pub doc: Option<String>,
    /// Byte range of the parameter list's parentheses content, for edits.
    pub params_range: Range<usize>,
    /// Column where the `def`/`async def` (or first decorator) starts, for inserting siblings.
    pub def_start: usize,
}

/// A decorator: dotted name of what is applied, and whether it is called (`@x()` vs `@x`).
#[derive(Clone, Debug, PartialEq)]
pub struct Decorator {
    pub path: String,
    pub called: bool,
    pub range: Range<usize>,
}

/// The parameters that matter for calling with no arguments.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Params {
    /// Positional (incl. positional-only) parameters in order: name, has default, name range.
    pub positional: Vec<Param>,
    /// Keyword-only parameters.
    pub keyword_only: Vec<Param>,
    pub varargs: bool,
    pub kwargs: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: String,
    pub has_default: bool,
    /// Range of the whole parameter (`name: T`), where ` = None` would be appended.
    pub range: Range<usize>,
}

impl Params {
    /// Names of parameters that a call with no arguments would not fill, skipping the first
    /// `skip` positional ones (a bound `self`/`cls`).
    pub fn required(&self, skip: usize) -> Vec<&Param> {
        self.positional
            .iter()
            .skip(skip)
            .chain(self.keyword_only.iter())
            .filter(|p| !p.has_default)
            .collect()
    }
}

/// A class definition and its members.
#[derive(Clone, Debug, PartialEq)]
pub struct Class {
    pub name: String,
    /// Base classes as dotted text.
    pub bases: Vec<String>,
    pub decorators: Vec<Decorator>,
    /// Members bound in the class body (methods, attributes, nested classes).
    pub members: HashMap<String, Vec<Binding>>,
    pub doc: Option<String>,
    pub signature: String,
}

/// The value side of an assignment, as far as resolution cares.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A (dotted) name: `main = cli`, `run = app.run`.
    Name(String),
    /// A call: `app = typer.Typer()`, `main = make_main(x)`. Holds the callee's dotted name if simple.
    Call { callee: Option<String> },
    /// A lambda.
    Lambda(Function),
    /// A string, number, list, dict, f-string...: not callable.
    Literal(&'static str),
    /// Anything else.
    Other,
}

/// Parses Python source with ruff's error-tolerant parser. This is the crate's one entry point to
/// a Python syntax tree: other modules (import scanning) use it rather than calling ruff directly.
pub fn parse(source: &str) -> ruff_python_parser::Parsed<ast::ModModule> {
    ruff_python_parser::parse_unchecked_source(source, ast::PySourceType::Python)
}

/// Parses `source` and distils its module-level bindings.
pub fn summarize(source: &str) -> ModuleSummary {
    let parsed = parse(source);
    let mut summary = ModuleSummary {
        has_syntax_errors: !parsed.errors().is_empty(),
        doc: docstring(&parsed.syntax().body),
        ..ModuleSummary::default()
    };
    let mut names = Vec::new();
    collect(
        &parsed.syntax().body,
        source,
        &mut names,
        &mut summary,
        true,
    );
    for (name, binding) in names {
        let entry = summary.names.entry(name.clone()).or_default();
        if entry.is_empty() {
            summary.order.push(name);
        }
        entry.push(binding);
    }
    // `__getattr__, __dir__, __all__ = lazy_loader.attach(...)` binds it without a `def`.
    if summary.names.contains_key("__getattr__") {
        summary.has_getattr = true;
    }
    summary
}

/// Walks a suite, pushing bindings. `module_level` enables module-only facts (`__all__`, star imports).
fn collect(
    body: &[Stmt],
    source: &str,
    out: &mut Vec<(String, Binding)>,
    summary: &mut ModuleSummary,
    module_level: bool,
) {
    for stmt in body {
        let stmt_range = range(stmt.range());
        match stmt {
            Stmt::FunctionDef(def) => {
                let function = function(def, source);
                if module_level && def.name.id.as_str() == "__getattr__" {
                    summary.has_getattr = true;
                }
                out.push((
                    def.name.id.to_string(),
                    Binding {
                        name_range: range(def.name.range),
                        stmt_range,
                        kind: BindingKind::Function(function),
                    },
                ));
            }
            Stmt::ClassDef(def) => {
                let class = class(def, source);
                out.push((
                    def.name.id.to_string(),
                    Binding {
                        name_range: range(def.name.range),
                        stmt_range,
                        kind: BindingKind::Class(class),
                    },
                ));
            }
            Stmt::Assign(assign) => {
                for target in &assign.targets {
                    assign_target(
                        target,
                        &assign.value,
                        source,
                        stmt_range.clone(),
                        out,
                        summary,
                        module_level,
                    );
                }
            }
            Stmt::AnnAssign(assign) => {
                if let Some(value) = &assign.value {
                    assign_target(
                        &assign.target,
                        value,
                        source,
                        stmt_range.clone(),
                        out,
                        summary,
                        module_level,
                    );
                }
            }
            Stmt::AugAssign(aug) => {
                // `__all__ += [...]` extends the list; other augmented assignments keep their binding.
                if module_level
                    && let Expr::Name(n) = aug.target.as_ref()
                    && n.id.as_str() == "__all__"
                    && let Some(more) = string_list(&aug.value)
                {
                    summary.all.get_or_insert_with(Vec::new).extend(more);
                }
            }
            Stmt::Expr(e) => {
                // `__all__.extend([...])` / `__all__.append("x")`.
                if module_level
                    && let Expr::Call(call) = e.value.as_ref()
                    && let Expr::Attribute(attr) = call.func.as_ref()
                    && let Expr::Name(n) = attr.value.as_ref()
                    && n.id.as_str() == "__all__"
                {
                    for arg in call.arguments.args.iter() {
                        if let Some(more) = string_list(arg) {
                            summary.all.get_or_insert_with(Vec::new).extend(more);
                        } else if let Expr::StringLiteral(s) = arg {
                            summary
                                .all
                                .get_or_insert_with(Vec::new)
                                .push(s.value.to_str().to_string());
                        }
                    }
                }
            }
            Stmt::Import(import) => {
                for alias in &import.names {
                    let full = alias.name.id.to_string();
                    let (bound, module, at) = match &alias.asname {
                        Some(asname) => (asname.id.to_string(), full, asname.range),
                        None => {
                            let first = full.split('.').next().unwrap_or("").to_string();
                            (first.clone(), first, alias.name.range)
                        }
                    };
                    out.push((
                        bound,
                        Binding {
                            name_range: range(at),
                            stmt_range: stmt_range.clone(),
                            kind: BindingKind::ImportModule { module },
                        },
                    ));
                }
            }
            Stmt::ImportFrom(import) => {
                let from = ImportTarget {
                    level: import.level,
                    module: import
                        .module
                        .as_ref()
                        .map(|m| m.id.to_string())
                        .unwrap_or_default(),
                };
                for alias in &import.names {
                    let name = alias.name.id.to_string();
                    if name == "*" {
                        if module_level {
                            summary.star_imports.push(from.clone());
                        }
                        continue;
                    }
                    let (bound, at) = match &alias.asname {
                        Some(asname) => (asname.id.to_string(), asname.range),
                        None => (name.clone(), alias.name.range),
                    };
                    out.push((
                        bound,
                        Binding {
                            name_range: range(at),
                            stmt_range: stmt_range.clone(),
                            kind: BindingKind::ImportFrom {
                                from: from.clone(),
                                name,
                            },
                        },
                    ));
                }
            }
            // Any branch may be the one that runs: collect from all of them.
            Stmt::If(s) => {
                collect(&s.body, source, out, summary, module_level);
                for clause in &s.elif_else_clauses {
                    collect(&clause.body, source, out, summary, module_level);
                }
            }
            Stmt::Try(s) => {
                collect(&s.body, source, out, summary, module_level);
                for handler in &s.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = handler;
                    collect(&h.body, source, out, summary, module_level);
                }
                collect(&s.orelse, source, out, summary, module_level);
                collect(&s.finalbody, source, out, summary, module_level);
            }
            Stmt::With(s) => collect(&s.body, source, out, summary, module_level),
            _ => {}
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn assign_target(
    target: &Expr,
    value: &Expr,
    source: &str,
    stmt_range: Range<usize>,
    out: &mut Vec<(String, Binding)>,
    summary: &mut ModuleSummary,
    module_level: bool,
) {
    match target {
        Expr::Name(n) => {
            if module_level && n.id.as_str() == "__all__" {
                summary.all = string_list(value);
            }
            out.push((
                n.id.to_string(),
                Binding {
                    name_range: range(n.range),
                    stmt_range,
                    kind: BindingKind::Value(value_kind(value, source)),
                },
            ));
        }
        Expr::Tuple(t) => {
            // `a, b = x`: the names exist; their values are unknown.
            for elt in &t.elts {
                if let Expr::Name(n) = elt {
                    out.push((
                        n.id.to_string(),
                        Binding {
                            name_range: range(n.range),
                            stmt_range: stmt_range.clone(),
                            kind: BindingKind::Value(Value::Other),
                        },
                    ));
                }
            }
        }
        _ => {}
    }
}

fn value_kind(value: &Expr, source: &str) -> Value {
    match value {
        Expr::Name(_) | Expr::Attribute(_) => {
            dotted_name(value).map(Value::Name).unwrap_or(Value::Other)
        }
        Expr::Call(call) => Value::Call {
            callee: dotted_name(&call.func),
        },
        Expr::Lambda(l) => {
            let params = l.parameters.as_deref().map(params).unwrap_or_default();
            let r = range(l.range);
            Value::Lambda(Function {
                name: "<lambda>".into(),
                is_async: false,
                decorators: Vec::new(),
                params,
                signature: source
                    .get(r.clone())
                    .unwrap_or("lambda")
                    .lines()
                    .next()
                    .unwrap_or("")
                    .to_string(),
                doc: None,
                params_range: r.clone(),
                def_start: r.start,
            })
        }
        Expr::StringLiteral(_) | Expr::BytesLiteral(_) | Expr::FString(_) | Expr::TString(_) => {
            Value::Literal("a string")
        }
        Expr::NumberLiteral(_) => Value::Literal("a number"),
        Expr::BooleanLiteral(_) => Value::Literal("a boolean"),
        Expr::NoneLiteral(_) => Value::Literal("None"),
        Expr::List(_) | Expr::ListComp(_) => Value::Literal("a list"),
        Expr::Tuple(_) => Value::Literal("a tuple"),
        Expr::Dict(_) | Expr::DictComp(_) => Value::Literal("a dict"),
        Expr::Set(_) | Expr::SetComp(_) => Value::Literal("a set"),
        _ => Value::Other,
    }
}

/// `a.b.c` for a name or attribute chain, else `None`.
pub(crate) fn dotted_name(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Name(n) => Some(n.id.to_string()),
        Expr::Attribute(a) => Some(format!("{}.{}", dotted_name(&a.value)?, a.attr.id)),
        _ => None,
    }
}

fn string_list(expr: &Expr) -> Option<Vec<String>> {
    let elts = match expr {
        Expr::List(l) => &l.elts,
        Expr::Tuple(t) => &t.elts,
        _ => return None,
    };
    elts.iter()
        .map(|e| match e {
            Expr::StringLiteral(s) => Some(s.value.to_str().to_string()),
            _ => None,
        })
        .collect()
}

fn decorators(list: &[ast::Decorator]) -> Vec<Decorator> {
    list.iter()
        .map(|d| {
            let (expr, called) = match &d.expression {
                Expr::Call(call) => (call.func.as_ref(), true),
                other => (other, false),
            };
            Decorator {
                path: dotted_name(expr).unwrap_or_else(|| "<expression>".into()),
                called,
                range: range(d.range),
            }
        })
        .collect()
}

fn params(p: &ast::Parameters) -> Params {
    let one = |pd: &ast::ParameterWithDefault| Param {
        name: pd.parameter.name.id.to_string(),
        has_default: pd.default.is_some(),
        range: range(pd.parameter.range),
    };
    Params {
        positional: p.posonlyargs.iter().chain(p.args.iter()).map(one).collect(),
        keyword_only: p.kwonlyargs.iter().map(one).collect(),
        varargs: p.vararg.is_some(),
        kwargs: p.kwarg.is_some(),
    }
}

fn function(def: &ast::StmtFunctionDef, source: &str) -> Function {
    let start = def.range.start().to_usize();
    // The signature is rebuilt from its parts so that comments and line breaks do not leak in.
    let params_text = source.get(range(def.parameters.range)).unwrap_or("()");
    let returns = def
        .returns
        .as_deref()
        .and_then(|r| source.get(range(r.range())))
        .map(|r| format!(" -> {r}"))
        .unwrap_or_default();
    let raw = format!(
        "{}def {}{params_text}{returns}",
        if def.is_async { "async " } else { "" },
        def.name.id
    );
    let signature = compact(&raw);
    let pr = range(def.parameters.range);
    Function {
        name: def.name.id.to_string(),
        is_async: def.is_async,
        decorators: decorators(&def.decorator_list),
        params: params(&def.parameters),
        signature,
        doc: docstring(&def.body),
        params_range: pr.start + 1..pr.end.saturating_sub(1).max(pr.start + 1),
        def_start: start,
    }
}

fn class(def: &ast::StmtClassDef, source: &str) -> Class {
    let mut members = Vec::new();
    let mut scratch = ModuleSummary::default();
    collect(&def.body, source, &mut members, &mut scratch, false);
    let mut map: HashMap<String, Vec<Binding>> = HashMap::new();
    for (name, binding) in members {
        map.entry(name).or_default().push(binding);
    }
    let mut bases: Vec<String> = def
        .arguments
        .as_deref()
        .map(|a| a.args.iter().filter_map(dotted_name).collect())
        .unwrap_or_default();
    // A metaclass (or any class keyword) or a computed base may add members: mark the class as
    // open with a base no lookup can resolve, so missing members stay unverified, not errors.
    if def
        .arguments
        .as_deref()
        .is_some_and(|a| !a.keywords.is_empty() || a.args.iter().any(|b| dotted_name(b).is_none()))
    {
        bases.push("<metaclass or computed base>".into());
    }
    let header_end = def
        .body
        .first()
        .map(|s| s.range().start().to_usize())
        .unwrap_or(def.range.end().to_usize());
    let header_start = def
        .decorator_list
        .last()
        .map(|d| d.range.end().to_usize())
        .unwrap_or(def.range.start().to_usize());
    let signature = source
        .get(header_start..header_end)
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end_matches(':')
        .to_string();
    Class {
        name: def.name.id.to_string(),
        bases,
        decorators: decorators(&def.decorator_list),
        members: map,
        doc: docstring(&def.body),
        signature,
    }
}

/// Collapses whitespace (and line comments inside a multi-line parameter list) to one line.
fn compact(text: &str) -> String {
    let without_comments: Vec<&str> = text
        .lines()
        .map(|l| match l.find('#') {
            Some(i) if !l[..i].contains(['"', '\'']) => &l[..i],
            _ => l,
        })
        .collect();
    without_comments
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("( ", "(")
        .replace(" )", ")")
        .replace(",)", ")")
}

/// The first non-empty line of a docstring, if the suite starts with a string literal.
fn docstring(body: &[Stmt]) -> Option<String> {
    let Some(Stmt::Expr(e)) = body.first() else {
        return None;
    };
    let Expr::StringLiteral(s) = e.value.as_ref() else {
        return None;
    };
    s.value
        .to_str()
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(str::to_string)
}

fn range(r: ruff_text_size::TextRange) -> Range<usize> {
    r.start().to_usize()..r.end().to_usize()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn functions_params_and_docs() {
        let s = summarize(
            "\"\"\"Mod doc.\"\"\"\n@click.command()\n@click.option('--x')\ndef main(x, /, y=1, *a, z, w=2, **k):\n    \"\"\"Run it.\n\n    more\"\"\"\n\nasync def serve(): ...\n",
        );
        assert_eq!(s.doc.as_deref(), Some("Mod doc."));
        let BindingKind::Function(f) = &s.names["main"][0].kind else {
            panic!()
        };
        assert_eq!(f.decorators[0].path, "click.command");
        assert!(f.decorators[0].called);
        assert_eq!(
            f.params
                .required(0)
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>(),
            ["x", "z"]
        );
        assert!(f.params.varargs && f.params.kwargs);
        assert_eq!(f.doc.as_deref(), Some("Run it."));
        assert_eq!(f.signature, "def main(x, /, y=1, *a, z, w=2, **k)");
        let BindingKind::Function(g) = &s.names["serve"][0].kind else {
            panic!()
        };
        assert!(g.is_async);
    }

    #[test]
    fn branches_imports_all_and_values() {
        let s = summarize(
            "import a.b\nimport c.d as e\nfrom .x import y as z, w\nfrom ..p import *\ntry:\n    from fast import run\nexcept ImportError:\n    def run(): pass\nif X:\n    main = cli\nelse:\n    main = lambda: 0\napp = typer.Typer()\nNAME = 'x'\n__all__ = ['z']\n__all__ += ['w']\n",
        );
        assert_eq!(
            s.names["a"][0].kind,
            BindingKind::ImportModule { module: "a".into() }
        );
        assert_eq!(
            s.names["e"][0].kind,
            BindingKind::ImportModule {
                module: "c.d".into()
            }
        );
        assert_eq!(
            s.names["z"][0].kind,
            BindingKind::ImportFrom {
                from: ImportTarget {
                    level: 1,
                    module: "x".into()
                },
                name: "y".into()
            }
        );
        assert_eq!(
            s.star_imports,
            vec![ImportTarget {
                level: 2,
                module: "p".into()
            }]
        );
        assert_eq!(s.names["run"].len(), 2);
        assert_eq!(s.names["main"].len(), 2);
        assert_eq!(
            s.names["app"][0].kind,
            BindingKind::Value(Value::Call {
                callee: Some("typer.Typer".into())
            })
        );
        assert_eq!(
            s.names["NAME"][0].kind,
            BindingKind::Value(Value::Literal("a string"))
        );
        assert_eq!(s.all, Some(vec!["z".into(), "w".into()]));
    }

    #[test]
    fn classes_and_broken_source() {
        let s = summarize(
            "class App(Base):\n    \"\"\"An app.\"\"\"\n    @staticmethod\n    def run(): ...\n    def go(self): ...\n    x = 1\ndef broken(:\n",
        );
        let BindingKind::Class(c) = &s.names["App"][0].kind else {
            panic!()
        };
        assert_eq!(c.bases, ["Base"]);
        assert_eq!(c.doc.as_deref(), Some("An app."));
        assert!(
            c.members.contains_key("run")
                && c.members.contains_key("go")
                && c.members.contains_key("x")
        );
        assert!(s.has_syntax_errors);
    }
}
