//! One Python file in, its absolute imports (with the guards around each) and its
//! version-dependent syntax out. Parses with ruff's parser; never imports or runs the code.

use std::ops::Range;

use ruff_python_ast::{self as ast, CmpOp, Expr, Stmt};
use ruff_python_parser::{ParseOptions, UnsupportedSyntaxErrorKind as Kind};
use ruff_text_size::TextRange;

/// What surrounds an import and changes whether it must be declared or is safe on old Pythons.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Guard {
    /// Under `if TYPE_CHECKING:`: never runs.
    pub type_checking: bool,
    /// Inside `try:` with an `except ImportError` (or a superclass), `contextlib.suppress(ImportError)`,
    /// or `if find_spec("x")`: the code copes with the module being absent.
    pub optional: bool,
    /// In an `except ImportError` handler: runs only when the imports of the `try` body failed,
    /// which are listed here (the `tomllib` / `tomli` idiom).
    pub fallback_for: Vec<String>,
    /// Under `if sys.version_info >= (3, N)`: runs only on 3.N and newer.
    pub min_minor: Option<u8>,
    /// Under `if sys.version_info < (3, N)`: runs only on 3.(N-1) and older (this holds N-1).
    pub max_minor: Option<u8>,
    /// Inside a function or method body: runs only when called (a lazy import).
    pub lazy: bool,
    /// Under a Python 2 test (`if sys.version_info < (3,)`, `if six.PY2`): never runs on Python 3.
    pub python2: bool,
    /// Names tested by enclosing `if`s (`if cython.compiled:`, `if np is not None:`): an import
    /// of one of them there depends on the module being present.
    pub tested: Vec<String>,
}

/// One absolute import: `import a.b` gives `a.b`; `from a.b import c, d` gives `a.b` with names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    pub module: String,
    /// The names of a `from` import (a name may be a submodule: `from importlib import metadata`).
    pub names: Vec<String>,
    /// Byte range of the module name in the file.
    pub range: Range<usize>,
    /// 0-based line of `range.start`.
    pub line: u32,
    /// The whole import statement (for fixes that rewrite it) and its text.
    pub statement: Range<usize>,
    pub statement_text: String,
    /// The whitespace before the statement on its line ("" when something else precedes it).
    pub indent: String,
    pub guard: Guard,
}

/// A use of syntax that older Pythons reject, from the parser's own table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxUse {
    /// What it is, e.g. "`match` statement".
    pub what: String,
    /// The first Python 3 minor version that accepts it.
    pub min_minor: u8,
    pub range: Range<usize>,
    pub line: u32,
}

/// Everything learnt from one file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scanned {
    pub imports: Vec<Import>,
    pub syntax: Vec<SyntaxUse>,
    /// Number of syntax errors: the file may be half-written; its imports are still reported.
    pub parse_errors: usize,
}

/// Scans Python source text. Never fails: broken code yields what could be recovered.
pub fn scan(text: &str) -> Scanned {
    // Parsing for the oldest target makes the parser report every newer construct once; the
    // rules compare each construct's version with `requires-python`.
    let options =
        ParseOptions::from(ast::PySourceType::Python).with_target_version(ast::PythonVersion::PY37);
    let parsed = ruff_python_parser::parse_unchecked(text, options);
    let lines = LineIndex::new(text);
    let mut walker = Walker {
        text,
        lines: &lines,
        imports: Vec::new(),
        version_names: Vec::new(),
    };
    let syntax = parsed
        .unsupported_syntax_errors()
        .iter()
        .filter_map(|error| {
            let min_minor = added_in(error.kind)?;
            let range = byte_range(error.range);
            let what = error.to_string();
            // "Cannot use `match` statement on Python 3.7 (syntax was added in Python 3.10)"
            let what = what.split(" on Python ").next().unwrap_or(&what);
            let what = what.strip_prefix("Cannot use ").unwrap_or(what).to_string();
            Some(SyntaxUse {
                what,
                min_minor,
                line: lines.line(range.start),
                range,
            })
        })
        .collect();
    let parse_errors = parsed.errors().len();
    if let Some(module) = parsed.syntax().as_module() {
        walker.suite(&module.body, &Guard::default());
    }
    Scanned {
        imports: walker.imports,
        syntax,
        parse_errors,
    }
}

/// The Python 3 minor version a construct appeared in, mirroring the parser's private
/// `changed_version` table; None for syntax that was removed rather than added.
fn added_in(kind: Kind) -> Option<u8> {
    Some(match kind {
        Kind::Walrus | Kind::StarTuple(_) | Kind::PositionalOnlyParameter => 8,
        Kind::UnparenthesizedNamedExpr(_)
        | Kind::RelaxedDecorator(_)
        | Kind::ParenthesizedContextManager
        | Kind::UnparenthesizedUnpackInFor => 9,
        Kind::Match => 10,
        Kind::ExceptStar | Kind::StarExpressionInIndex | Kind::StarAnnotation => 11,
        Kind::TypeParameterList | Kind::TypeAliasStatement | Kind::Pep701FString(_) => 12,
        Kind::TypeParamDefault => 13,
        Kind::UnparenthesizedExceptionTypes | Kind::TemplateStrings => 14,
        Kind::LazyImportStatement | Kind::UnpackingInComprehension(_) => 15,
        Kind::ParenthesizedKeywordArgumentName => return None,
    })
}

fn byte_range(range: TextRange) -> Range<usize> {
    range.start().to_usize()..range.end().to_usize()
}

/// Byte offset to 0-based line.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    fn line(&self, offset: usize) -> u32 {
        let line = self
            .starts
            .partition_point(|start| *start <= offset)
            .saturating_sub(1);
        u32::try_from(line).unwrap_or(u32::MAX)
    }
}

struct Walker<'a> {
    text: &'a str,
    lines: &'a LineIndex,
    imports: Vec<Import>,
    /// Module-level names bound to a version test (`PY311 = sys.version_info >= (3, 11)`).
    version_names: Vec<(String, Condition)>,
}

/// What an `if` test tells about the code in its body and in its `else`.
#[derive(Clone, Debug, Default)]
struct Condition {
    body: Guard,
    orelse: Guard,
}

impl Walker<'_> {
    fn suite(&mut self, body: &[Stmt], guard: &Guard) {
        for stmt in body {
            self.stmt(stmt, guard);
        }
    }

    fn push(
        &mut self,
        module: String,
        names: Vec<String>,
        range: TextRange,
        statement: TextRange,
        guard: &Guard,
    ) {
        let range = byte_range(range);
        let statement = byte_range(statement);
        let line = self.lines.line(range.start);
        let statement_text = self
            .text
            .get(statement.clone())
            .unwrap_or_default()
            .to_string();
        let line_start = self.text[..statement.start.min(self.text.len())]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let before = self
            .text
            .get(line_start..statement.start)
            .unwrap_or_default();
        let indent = if before.trim().is_empty() {
            before.to_string()
        } else {
            String::new()
        };
        let mut guard = guard.clone();
        let top = module.split('.').next().unwrap_or_default();
        if guard.tested.iter().any(|t| t == top) {
            guard.optional = true;
        }
        self.imports.push(Import {
            module,
            names,
            range,
            line,
            statement,
            statement_text,
            indent,
            guard,
        });
    }

    fn stmt(&mut self, stmt: &Stmt, guard: &Guard) {
        match stmt {
            Stmt::Import(import) => {
                for alias in &import.names {
                    self.push(
                        alias.name.id.to_string(),
                        Vec::new(),
                        alias.range,
                        import.range,
                        guard,
                    );
                }
            }
            Stmt::ImportFrom(import) => {
                // Relative imports are the project's own; `__future__` is the compiler's.
                let Some(module) = &import.module else { return };
                if import.level > 0 || module.id.as_str() == "__future__" {
                    return;
                }
                let names = import.names.iter().map(|a| a.name.id.to_string()).collect();
                self.push(
                    module.id.to_string(),
                    names,
                    module.range,
                    import.range,
                    guard,
                );
            }
            Stmt::If(stmt_if) => {
                let mut rest = guard.clone();
                let condition = self.condition(&stmt_if.test);
                let mut body = merge(&rest, &condition.body);
                root_names(&stmt_if.test, &mut body.tested);
                self.suite(&stmt_if.body, &body);
                rest = merge(&rest, &condition.orelse);
                for clause in &stmt_if.elif_else_clauses {
                    match &clause.test {
                        Some(test) => {
                            let condition = self.condition(test);
                            self.suite(&clause.body, &merge(&rest, &condition.body));
                            rest = merge(&rest, &condition.orelse);
                        }
                        None => self.suite(&clause.body, &rest),
                    }
                }
            }
            Stmt::Try(stmt_try) => {
                let handles_import_error = stmt_try.handlers.iter().any(|handler| {
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    handler.type_.as_deref().is_none_or(catches_import_error)
                });
                let mut body_guard = guard.clone();
                body_guard.optional |= handles_import_error;
                let first = self.imports.len();
                self.suite(&stmt_try.body, &body_guard);
                let tried: Vec<String> = self.imports[first..]
                    .iter()
                    .map(|i| i.module.clone())
                    .collect();
                for handler in &stmt_try.handlers {
                    let ast::ExceptHandler::ExceptHandler(handler) = handler;
                    let mut handler_guard = guard.clone();
                    if handler.type_.as_deref().is_none_or(catches_import_error) {
                        handler_guard.fallback_for.extend(tried.iter().cloned());
                    }
                    self.suite(&handler.body, &handler_guard);
                }
                self.suite(&stmt_try.orelse, &body_guard);
                self.suite(&stmt_try.finalbody, guard);
            }
            Stmt::With(with) => {
                let suppresses = with.items.iter().any(|item| {
                    let Expr::Call(call) = &item.context_expr else {
                        return false;
                    };
                    last_name(&call.func) == Some("suppress")
                        && call.arguments.args.iter().any(catches_import_error)
                });
                let mut inner = guard.clone();
                inner.optional |= suppresses;
                self.suite(&with.body, &inner);
            }
            Stmt::FunctionDef(def) => {
                let mut inner = guard.clone();
                inner.lazy = true;
                self.suite(&def.body, &inner);
            }
            Stmt::ClassDef(class) => self.suite(&class.body, guard),
            Stmt::For(stmt_for) => {
                self.suite(&stmt_for.body, guard);
                self.suite(&stmt_for.orelse, guard);
            }
            Stmt::While(stmt_while) => {
                self.suite(&stmt_while.body, guard);
                self.suite(&stmt_while.orelse, guard);
            }
            Stmt::Match(stmt_match) => {
                for case in &stmt_match.cases {
                    self.suite(&case.body, guard);
                }
            }
            Stmt::Assign(assign) => {
                // Remember `PY311 = sys.version_info >= (3, 11)` for later `if PY311:`.
                if let [Expr::Name(target)] = assign.targets.as_slice() {
                    let condition = self.condition(&assign.value);
                    if condition.body != Guard::default() || condition.orelse != Guard::default() {
                        self.version_names.push((target.id.to_string(), condition));
                    }
                }
            }
            _ => {}
        }
    }

    /// Reads an `if` test: TYPE_CHECKING, version comparisons, `find_spec`, and `not`/`and` of those.
    fn condition(&self, test: &Expr) -> Condition {
        let mut condition = Condition::default();
        match test {
            Expr::UnaryOp(op) if op.op == ast::UnaryOp::Not => {
                let inner = self.condition(&op.operand);
                condition.body = inner.orelse;
                condition.orelse = inner.body;
            }
            Expr::BoolOp(op) if op.op == ast::BoolOp::And => {
                for value in &op.values {
                    condition.body = merge(&condition.body, &self.condition(value).body);
                }
            }
            Expr::Name(_) | Expr::Attribute(_) => {
                let name = last_name(test).unwrap_or_default();
                if name == "TYPE_CHECKING" {
                    condition.body.type_checking = true;
                } else if let Some((_, known)) = self
                    .version_names
                    .iter()
                    .rev()
                    .find(|(known, _)| known == name)
                {
                    condition = known.clone();
                } else if matches!(
                    name.to_ascii_uppercase().as_str(),
                    "PY2" | "IS_PY2" | "PYTHON2"
                ) {
                    condition.body.python2 = true;
                } else if matches!(
                    name.to_ascii_uppercase().as_str(),
                    "PY3" | "IS_PY3" | "PYTHON3"
                ) {
                    condition.orelse.python2 = true;
                } else if let Some(minor) = version_flag(name) {
                    condition.body.min_minor = Some(minor);
                    condition.orelse.max_minor = minor.checked_sub(1);
                }
            }
            Expr::Compare(compare) => {
                if let Some(on_python2) = python2_compare(compare) {
                    if on_python2 {
                        condition.body.python2 = true;
                    } else {
                        condition.orelse.python2 = true;
                    }
                } else if let Some((minor, at_least)) = version_compare(compare) {
                    let (yes, no) = if at_least {
                        (&mut condition.body, &mut condition.orelse)
                    } else {
                        (&mut condition.orelse, &mut condition.body)
                    };
                    yes.min_minor = Some(minor);
                    no.max_minor = minor.checked_sub(1);
                } else if calls_find_spec(&compare.left) {
                    // `find_spec("x") is not None` guards the body; `is None` the else branch.
                    let negated = compare.ops.first() == Some(&CmpOp::Is);
                    if negated {
                        condition.orelse.optional = true;
                    } else {
                        condition.body.optional = true;
                    }
                }
            }
            Expr::Call(_) if calls_find_spec(test) => condition.body.optional = true,
            _ => {}
        }
        condition
    }
}

/// The root names of the names and attribute chains in a test expression.
fn root_names(expr: &Expr, out: &mut Vec<String>) {
    match expr {
        Expr::Name(name) => out.push(name.id.to_string()),
        Expr::Attribute(attr) => root_names(&attr.value, out),
        Expr::UnaryOp(op) => root_names(&op.operand, out),
        Expr::BoolOp(op) => op.values.iter().for_each(|v| root_names(v, out)),
        Expr::Compare(compare) => {
            root_names(&compare.left, out);
            compare.comparators.iter().for_each(|c| root_names(c, out));
        }
        _ => {}
    }
}

/// Combines an outer guard with what an `if` adds.
fn merge(outer: &Guard, inner: &Guard) -> Guard {
    let mut out = outer.clone();
    out.type_checking |= inner.type_checking;
    out.optional |= inner.optional;
    out.lazy |= inner.lazy;
    out.python2 |= inner.python2;
    out.tested.extend(inner.tested.iter().cloned());
    out.fallback_for.extend(inner.fallback_for.iter().cloned());
    out.min_minor = out.min_minor.max(inner.min_minor);
    out.max_minor = match (out.max_minor, inner.max_minor) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    out
}

/// The last identifier of `a.b.c` or `c`.
fn last_name(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Name(name) => Some(name.id.as_str()),
        Expr::Attribute(attr) => Some(attr.attr.id.as_str()),
        _ => None,
    }
}

/// Whether an `except` type (a name, attribute or tuple) catches ImportError.
fn catches_import_error(expr: &Expr) -> bool {
    match expr {
        Expr::Tuple(tuple) => tuple.elts.iter().any(catches_import_error),
        _ => matches!(
            last_name(expr),
            Some("ImportError" | "ModuleNotFoundError" | "Exception" | "BaseException")
        ),
    }
}

fn calls_find_spec(expr: &Expr) -> bool {
    let Expr::Call(call) = expr else { return false };
    matches!(last_name(&call.func), Some("find_spec" | "find_loader"))
}

/// A conventional compatibility flag such as `PY311`, `PY_3_11`, `PY3_11_PLUS`, `PYTHON_3_11`.
fn version_flag(name: &str) -> Option<u8> {
    let upper = name.trim_start_matches('_').to_ascii_uppercase();
    let upper = upper.strip_prefix("IS_").unwrap_or(&upper);
    let rest = upper
        .strip_prefix("PYTHON")
        .or_else(|| upper.strip_prefix("PY"))?;
    let rest = rest.trim_start_matches('_').strip_prefix('3')?;
    let rest = rest.trim_start_matches('_');
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let tail = &rest[digits.len()..];
    if !matches!(
        tail,
        "" | "_PLUS" | "PLUS" | "_OR_LATER" | "_OR_NEWER" | "_OR_GREATER"
    ) {
        return None;
    }
    let minor: u8 = digits.parse().ok()?;
    (minor > 0 && minor < 40).then_some(minor)
}

/// A test of the major version: Some(true) when it holds exactly on Python 2
/// (`sys.version_info < (3,)`, `sys.version_info[0] == 2`, `.major < 3`), Some(false) when it
/// holds exactly on Python 3.
fn python2_compare(compare: &ast::ExprCompare) -> Option<bool> {
    let ([op], [right]) = (&*compare.ops, &*compare.comparators) else {
        return None;
    };
    let (subject, bound, op) = if is_version_info(&compare.left) {
        (&*compare.left, right, *op)
    } else if is_version_info(right) {
        (right, &*compare.left, op.negate_swap()?)
    } else {
        return None;
    };
    let major_only = match subject {
        Expr::Attribute(a) => a.attr.id.as_str() == "major",
        Expr::Subscript(sub) => int(&sub.slice) == Some(0),
        _ => false,
    };
    let major = if major_only {
        int(bound)?
    } else {
        let Expr::Tuple(tuple) = bound else {
            return None;
        };
        match tuple.elts.as_slice() {
            [major] => int(major)?,
            [major, minor, ..] if int(minor) == Some(0) => int(major)?,
            _ => return None,
        }
    };
    match (op, major) {
        (CmpOp::Lt, 3) | (CmpOp::Eq, 2) | (CmpOp::LtE, 2) | (CmpOp::NotEq, 3) => Some(true),
        (CmpOp::GtE, 3) | (CmpOp::Eq, 3) | (CmpOp::Gt, 2) | (CmpOp::NotEq, 2) => Some(false),
        _ => None,
    }
}

/// `sys.version_info >= (3, N)` (and `>`, `<`, `<=`, `[:2]`, `.minor`, reversed operands):
/// returns (N, true) when the comparison is true exactly on 3.N and newer, (N, false) when it
/// is true exactly below 3.N.
fn version_compare(compare: &ast::ExprCompare) -> Option<(u8, bool)> {
    let ([op], [right]) = (&*compare.ops, &*compare.comparators) else {
        return None;
    };
    let (subject, bound, op) = if is_version_info(&compare.left) {
        (&*compare.left, right, *op)
    } else if is_version_info(right) {
        (right, &*compare.left, op.negate_swap()?)
    } else {
        return None;
    };
    let minor_only = matches!(subject, Expr::Attribute(a) if a.attr.id.as_str() == "minor");
    let minor = if minor_only {
        int(bound)?
    } else {
        tuple_minor(bound)?
    };
    // For tuples `(3, N)`: `>` behaves as `>=` and `<=` as `<` since (3, N, 0, ...) > (3, N).
    // For `.minor`: `> N` means `>= N+1` and `<= N` means `< N+1`.
    match (op, minor_only) {
        (CmpOp::GtE, _) | (CmpOp::Gt, false) => Some((minor, true)),
        (CmpOp::Gt, true) => Some((minor.checked_add(1)?, true)),
        (CmpOp::Lt, _) | (CmpOp::LtE, false) => Some((minor, false)),
        (CmpOp::LtE, true) => Some((minor.checked_add(1)?, false)),
        _ => None,
    }
}

trait Swap {
    fn negate_swap(self) -> Option<CmpOp>;
}

impl Swap for CmpOp {
    /// `a OP b` is `b SWAP(OP) a`.
    fn negate_swap(self) -> Option<CmpOp> {
        match self {
            CmpOp::Lt => Some(CmpOp::Gt),
            CmpOp::LtE => Some(CmpOp::GtE),
            CmpOp::Gt => Some(CmpOp::Lt),
            CmpOp::GtE => Some(CmpOp::LtE),
            CmpOp::Eq => Some(CmpOp::Eq),
            CmpOp::NotEq => Some(CmpOp::NotEq),
            _ => None,
        }
    }
}

fn is_version_info(expr: &Expr) -> bool {
    match expr {
        Expr::Attribute(attr) if attr.attr.id.as_str() == "version_info" => true,
        Expr::Name(name) if name.id.as_str() == "version_info" => true,
        Expr::Attribute(attr) if attr.attr.id.as_str() == "minor" => is_version_info(&attr.value),
        Expr::Subscript(sub) => is_version_info(&sub.value),
        _ => false,
    }
}

fn tuple_minor(expr: &Expr) -> Option<u8> {
    let Expr::Tuple(tuple) = expr else {
        return None;
    };
    let [major, minor, ..] = tuple.elts.as_slice() else {
        return None;
    };
    (int(major)? == 3).then_some(())?;
    int(minor)
}

fn int(expr: &Expr) -> Option<u8> {
    let Expr::NumberLiteral(number) = expr else {
        return None;
    };
    let ast::Number::Int(int) = &number.value else {
        return None;
    };
    int.as_u8()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn imports(text: &str) -> Vec<(String, Guard)> {
        scan(text)
            .imports
            .into_iter()
            .map(|i| (i.module, i.guard))
            .collect()
    }

    #[test]
    fn guards() {
        let text = "import a\nfrom b.c import d\nfrom . import e\nfrom __future__ import annotations\n\
            if TYPE_CHECKING:\n    import f\ntry:\n    import g\nexcept ImportError:\n    h = None\n\
            if sys.version_info >= (3, 11):\n    import tomllib\nelse:\n    import tomli\n";
        let found = imports(text);
        let names: Vec<&str> = found.iter().map(|(m, _)| m.as_str()).collect();
        assert_eq!(names, ["a", "b.c", "f", "g", "tomllib", "tomli"]);
        assert!(found[2].1.type_checking);
        assert!(found[3].1.optional);
        assert_eq!(found[4].1.min_minor, Some(11));
        assert_eq!(found[5].1.max_minor, Some(10));
    }

    #[test]
    fn fallback_and_flags() {
        let text = "PY311 = sys.version_info[:2] >= (3, 11)\ntry:\n    import tomllib\n\
            except ModuleNotFoundError:\n    import tomli as tomllib\nif not PY311:\n    import x\n\
            with contextlib.suppress(ImportError):\n    import y\ndef f():\n    import z\n";
        let found = imports(text);
        assert_eq!(found[1].1.fallback_for, ["tomllib"]);
        assert_eq!(found[2].1.max_minor, Some(10));
        assert!(found[3].1.optional);
        assert!(found[4].1.lazy);
    }

    #[test]
    fn imports_under_a_test_of_the_module_are_optional() {
        let found = imports(
            "if cython.compiled:\n    from cython.cimports import x\nif ok:\n    import y\n",
        );
        assert!(found[0].1.optional);
        assert!(!found[1].1.optional);
    }

    #[test]
    fn python2_branches() {
        let text = "if sys.version_info < (3,):\n    import cStringIO\nelse:\n    import io\n\
            if sys.version_info[0] == 2:\n    import urllib2\nif six.PY2:\n    import Queue\n";
        let found = imports(text);
        let py2: Vec<bool> = found.iter().map(|(_, g)| g.python2).collect();
        assert_eq!(py2, [true, false, true, true]);
    }

    #[test]
    fn syntax_versions() {
        let scanned =
            scan("match x:\n    case 1:\n        pass\nif (y := 2):\n    pass\ntype T = int\n");
        let mins: Vec<u8> = scanned.syntax.iter().map(|s| s.min_minor).collect();
        assert_eq!(mins, [10, 8, 12]);
        assert_eq!(scanned.syntax[0].line, 0);
        assert_eq!(scanned.syntax[2].line, 5);
    }

    #[test]
    fn broken_code_still_yields_imports() {
        let scanned = scan("import a\ndef (:\nimport b\n");
        assert!(scanned.parse_errors > 0);
        assert!(scanned.imports.iter().any(|i| i.module == "a"));
    }
}
