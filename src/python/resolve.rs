//! Resolves an object reference (`pkg.mod:obj.attr`) by following the project's sources:
//! modules, re-exports (`from .x import y`, `import a.b as c`, several hops, cycles guarded),
//! assignments, star imports, class members and attributes of module-level instances. Then
//! judges whether the target can be called with no arguments, as console scripts do.
//!
//! Never imports anything. Every file read is recorded in `Resolution::deps`, so a change to
//! another file cannot make this result stale.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::diagnostic::Location;
use crate::python::cache::ModuleCache;
use crate::python::layout::{self, Backend, Layout, ModuleFile, ModuleKind, find_module};
use crate::python::reference::Reference;
use crate::python::summary::{
    Binding, BindingKind, Class, Function, ImportTarget, ModuleSummary, Value,
};

/// How deep re-export and alias chains are followed before giving up (cycles are also guarded).
const MAX_DEPTH: usize = 24;

/// What a reference resolved to, or where it stopped.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolution {
    pub outcome: Outcome,
    /// The module file the module path resolved to.
    pub module: Option<ModuleFile>,
    /// Where each attribute segment was found (same length as `reference.attrs` when found).
    pub segments: Vec<Option<Location>>,
    /// Every Python file read to reach this result.
    pub deps: BTreeSet<PathBuf>,
}

#[derive(Clone, Debug, PartialEq)]
// One outcome per entry point, held in facts: boxing the common variant would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum Outcome {
    Found(Target),
    /// `segment` indexes `reference.module`: the first segment whose module does not exist.
    ModuleNotFound {
        segment: usize,
    },
    /// `segment` indexes `reference.attrs`; `container` says where we looked.
    ObjectNotFound {
        segment: usize,
        container: String,
    },
    /// We cannot see inside (compiled extension, module `__getattr__`, a module the build
    /// generates).
    Opaque(String),
    /// The top-level module is not part of this project (nor a likely typo of one): it must come
    /// from another distribution. Holds the top-level name.
    External(String),
}

/// A resolved object.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub kind: TargetKind,
    /// Where it is defined (the name in the `def`, `class` or assignment).
    pub location: Option<Location>,
    /// The dotted module it is defined in (after following re-exports).
    pub defined_in: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TargetKind {
    Module(ModuleFile),
    /// A function; `skip` leading positional parameters are bound (`self`, `cls`).
    Function {
        function: Function,
        skip: usize,
        decorators: Vec<DecoratorKind>,
        stmt_end: usize,
    },
    Class(Class),
    /// The result of calling something: `app = typer.Typer()`, `program = Program()`.
    Instance {
        callee: String,
        class: Option<Box<Class>>,
    },
    /// A literal (`"text"`, `42`, `[...]`).
    Literal(&'static str),
    /// Something we cannot see into: a name imported from another distribution, an attribute of
    /// an external object, a computed value.
    Unknown(String),
}

/// What a decorator does to the call signature, as far as we know.
#[derive(Clone, Debug, PartialEq)]
pub enum DecoratorKind {
    /// click / rich-click / cloup / asyncclick `command` or `group`: the result is a command
    /// object, callable with no arguments.
    Click(String),
    /// typer's `@app.command()` / `@app.callback()`: returns the function unchanged. Holds the
    /// app's name in the defining module (a fix can point the script there).
    Typer {
        app: String,
    },
    StaticMethod,
    ClassMethod,
    /// Anything else: the signature after decoration is unknown.
    Other(String),
}

/// Whether a console script calling the target with no arguments works.
#[derive(Clone, Debug, PartialEq)]
pub enum Callability {
    /// Works; the text says what was found (for hover).
    Ok(String),
    /// A function whose named parameters must be passed.
    NeedsArgs(Vec<String>),
    /// `async def`: calling returns a coroutine.
    Async,
    /// A class: calling constructs an instance, and `sys.exit(instance)` exits 1.
    Class,
    /// Not callable at all; says what it is (`a module`, `a string`).
    NotCallable(String),
    /// Cannot be proven either way; accepted. Says what was found.
    Unverified(String),
}

/// Resolves `reference` in the project described by `layout`.
pub fn resolve(layout: &Layout, cache: &mut ModuleCache, reference: &Reference) -> Resolution {
    let mut cx = Cx {
        layout,
        cache,
        deps: BTreeSet::new(),
        seen: Vec::new(),
    };
    let mut resolution = Resolution {
        outcome: Outcome::Opaque(String::new()),
        module: None,
        segments: Vec::new(),
        deps: BTreeSet::new(),
    };
    let module_path = reference.module_path();
    let Some(module) = find_module(layout, &module_path) else {
        // Report the first segment whose module is missing.
        let mut segment = 0;
        for i in 0..reference.module.len() {
            let prefix: Vec<&str> = reference.module[..=i]
                .iter()
                .map(|s| s.name.as_str())
                .collect();
            if find_module(layout, &prefix.join(".")).is_none() {
                segment = i;
                break;
            }
        }
        resolution.outcome = missing_module(layout, reference, segment);
        return resolution;
    };
    resolution.module = Some(module.clone());
    let mut current = Target {
        location: Some(Location {
            path: module.path.clone(),
            range: 0..0,
        }),
        defined_in: Some(module_path.clone()),
        kind: TargetKind::Module(module),
    };
    for (i, segment) in reference.attrs.iter().enumerate() {
        match cx.attribute(&current, &segment.name, 0) {
            Step::Found(mut targets) => {
                // Any branch counts: prefer one that a console script could call.
                let best = targets
                    .iter()
                    .position(|t| matches!(callability(t), Callability::Ok(_)))
                    .unwrap_or(0);
                current = targets.swap_remove(best);
                resolution.segments.push(current.location.clone());
            }
            Step::Missing(container) => {
                resolution.outcome = Outcome::ObjectNotFound {
                    segment: i,
                    container,
                };
                resolution.deps = cx.deps;
                return resolution;
            }
            Step::Opaque(why) => {
                resolution.outcome = Outcome::Opaque(why);
                resolution.deps = cx.deps;
                return resolution;
            }
        }
    }
    if let TargetKind::Module(m) = &current.kind
        && m.kind == ModuleKind::Extension
    {
        resolution.outcome =
            Outcome::Opaque(format!("`{}` is a compiled extension module", m.name));
        resolution.deps = cx.deps;
        return resolution;
    }
    resolution.outcome = Outcome::Found(current);
    resolution.deps = cx.deps;
    resolution
}

/// Decides what a missing module means: a typo in this project, a module of another
/// distribution, or a file the build generates (custom `setup.py` or a compiled-code backend).
fn missing_module(layout: &Layout, reference: &Reference, segment: usize) -> Outcome {
    let top = reference
        .module
        .first()
        .map(|s| s.name.as_str())
        .unwrap_or("");
    let own = layout.top_level_names();
    let project_top = own.iter().any(|n| n == top);
    let generates = layout.project_dir.join("setup.py").is_file()
        || matches!(layout.backend, Backend::Other(_) | Backend::Maturin);
    if segment == 0 {
        let typo = own.iter().any(|n| {
            crate::python::entry_points::distance(n, top) <= 2
                || n.replace('_', "-") == top
                || n.replace('_', "") == top.replace(['-', '_'], "")
        });
        let named_after_project = layout::project_name_module(layout).is_some_and(|m| m == top);
        if typo && !project_top {
            return Outcome::ModuleNotFound { segment };
        }
        if named_after_project && generates {
            return Outcome::Opaque(format!(
                "`{top}` is not in the sources; the build ({}) may generate it",
                layout.backend.label()
            ));
        }
        if !named_after_project && !top.contains('-') {
            return Outcome::External(top.to_string());
        }
        return Outcome::ModuleNotFound { segment };
    }
    if generates {
        return Outcome::Opaque(format!(
            "`{}` is not in the sources; the build ({}) may generate it",
            reference.module_path(),
            layout.backend.label()
        ));
    }
    Outcome::ModuleNotFound { segment }
}

/// Judges a target for a console script (called with no arguments).
pub fn callability(target: &Target) -> Callability {
    match &target.kind {
        TargetKind::Module(_) => Callability::NotCallable("a module".into()),
        TargetKind::Literal(what) => Callability::NotCallable((*what).into()),
        TargetKind::Class(c) => {
            let _ = c;
            Callability::Class
        }
        TargetKind::Unknown(what) => Callability::Unverified(what.clone()),
        TargetKind::Instance { callee, class } => {
            let last = callee.rsplit('.').next().unwrap_or(callee);
            if last == "Typer" {
                return Callability::Ok(format!(
                    "a Typer app (`{callee}()`), callable with no arguments"
                ));
            }
            if [
                "Group",
                "Command",
                "MultiCommand",
                "CommandCollection",
                "group",
                "command",
            ]
            .contains(&last)
            {
                return Callability::Ok(format!(
                    "a click command (`{callee}(...)`), callable with no arguments"
                ));
            }
            match class {
                Some(c) => match c.members.get("__call__").and_then(|b| b.first()) {
                    Some(Binding {
                        kind: BindingKind::Function(f),
                        ..
                    }) => function_verdict(f, 1, &[]),
                    _ if c.bases.is_empty() => Callability::NotCallable(format!(
                        "an instance of `{}`, which defines no `__call__`",
                        c.name
                    )),
                    _ => Callability::Unverified(format!(
                        "an instance of `{}` (its `__call__` may be inherited)",
                        c.name
                    )),
                },
                None => Callability::Unverified(format!("the result of `{callee}(...)`")),
            }
        }
        TargetKind::Function {
            function,
            skip,
            decorators,
            ..
        } => function_verdict(function, *skip, decorators),
    }
}

fn function_verdict(f: &Function, skip: usize, decorators: &[DecoratorKind]) -> Callability {
    let mut typer = false;
    for d in decorators {
        match d {
            DecoratorKind::Click(what) => {
                return Callability::Ok(format!(
                    "a click command (`@{what}`), callable with no arguments"
                ));
            }
            DecoratorKind::Other(what) => {
                return Callability::Unverified(format!(
                    "`{}` decorated by `@{what}`; its call signature after decoration is unknown",
                    f.name
                ));
            }
            DecoratorKind::Typer { .. } => typer = true,
            DecoratorKind::StaticMethod | DecoratorKind::ClassMethod => {}
        }
    }
    if f.is_async {
        return Callability::Async;
    }
    let required: Vec<String> = f
        .params
        .required(skip)
        .iter()
        .map(|p| p.name.clone())
        .collect();
    if !required.is_empty() {
        return Callability::NeedsArgs(required);
    }
    let how = if typer {
        " (typer's `@app.command()` returns the plain function)"
    } else {
        ""
    };
    Callability::Ok(format!(
        "`{}`, callable with no arguments{how}",
        f.signature
    ))
}

enum Step {
    Found(Vec<Target>),
    Missing(String),
    Opaque(String),
}

struct Cx<'a> {
    layout: &'a Layout,
    cache: &'a mut ModuleCache,
    deps: BTreeSet<PathBuf>,
    /// (file, name) pairs being resolved: a re-export cycle stops here.
    seen: Vec<(PathBuf, String)>,
}

impl Cx<'_> {
    fn summary(&mut self, path: &Path) -> Option<std::sync::Arc<ModuleSummary>> {
        self.deps.insert(path.to_path_buf());
        self.cache.summary(path)
    }

    /// `getattr(target, name)`.
    fn attribute(&mut self, target: &Target, name: &str, depth: usize) -> Step {
        if depth > MAX_DEPTH {
            return Step::Opaque("the re-export chain is too deep to follow".into());
        }
        match &target.kind {
            TargetKind::Module(m) => self.module_attr(m, name, depth),
            TargetKind::Class(c) => self.class_attr(c, target, name, false, depth),
            TargetKind::Instance {
                class: Some(c),
                callee,
            } => match self.class_attr(c, target, name, true, depth) {
                Step::Missing(_) => Step::Found(vec![unknown(format!(
                    "attribute `{name}` of a `{callee}` instance (set at run time)"
                ))]),
                other => other,
            },
            TargetKind::Instance { callee, .. } => Step::Found(vec![unknown(format!(
                "attribute `{name}` of the result of `{callee}(...)`"
            ))]),
            TargetKind::Function { function, .. } => Step::Found(vec![unknown(format!(
                "attribute `{name}` of function `{}`",
                function.name
            ))]),
            TargetKind::Literal(what) => Step::Missing(what.to_string()),
            TargetKind::Unknown(what) => {
                Step::Found(vec![unknown(format!("attribute `{name}` of {what}"))])
            }
        }
    }

    fn module_attr(&mut self, module: &ModuleFile, name: &str, depth: usize) -> Step {
        let submodule = || format!("{}.{name}", module.name);
        match module.kind {
            ModuleKind::Extension => {
                return Step::Opaque(format!(
                    "`{}` is a compiled extension module; its contents cannot be checked",
                    module.name
                ));
            }
            ModuleKind::Namespace => {
                return match find_module(self.layout, &submodule()) {
                    Some(sub) => Step::Found(vec![module_target(sub)]),
                    None => Step::Missing(format!("namespace package `{}`", module.name)),
                };
            }
            ModuleKind::Package | ModuleKind::Module => {}
        }
        let Some(summary) = self.summary(&module.path) else {
            return Step::Opaque(format!("`{}` could not be read", module.path.display()));
        };
        let key = (module.path.clone(), name.to_string());
        if self.seen.contains(&key) {
            return Step::Missing(format!("module `{}` (import cycle)", module.name));
        }
        self.seen.push(key);
        let step = self.module_attr_inner(module, &summary, name, depth);
        self.seen.pop();
        step
    }

    fn module_attr_inner(
        &mut self,
        module: &ModuleFile,
        summary: &ModuleSummary,
        name: &str,
        depth: usize,
    ) -> Step {
        if let Some(bindings) = summary.names.get(name) {
            let mut found = Vec::new();
            let mut opaque = None;
            for b in bindings {
                match self.binding(module, b, name, depth) {
                    Step::Found(t) => found.extend(t),
                    Step::Opaque(why) => opaque = Some(why),
                    Step::Missing(_) => {}
                }
            }
            if !found.is_empty() {
                return Step::Found(found);
            }
            if let Some(why) = opaque {
                return Step::Opaque(why);
            }
        }
        // A submodule is an attribute of its package once imported; accept it.
        if module.kind == ModuleKind::Package
            && let Some(sub) = find_module(self.layout, &format!("{}.{name}", module.name))
        {
            return Step::Found(vec![module_target(sub)]);
        }
        for star in &summary.star_imports {
            let Some(abs) = absolute(module, star) else {
                continue;
            };
            let Some(source) = find_module(self.layout, &abs) else {
                return Step::Opaque(format!(
                    "`{name}` may come from `from {abs} import *`, outside this project"
                ));
            };
            if let Step::Found(t) = self.module_attr(&source, name, depth + 1) {
                return Step::Found(t);
            }
        }
        if summary.has_getattr {
            return Step::Opaque(format!(
                "module `{}` defines `__getattr__`, so any name may exist",
                module.name
            ));
        }
        Step::Missing(format!("module `{}`", module.name))
    }

    /// Evaluates one binding of `name` in `module`.
    fn binding(&mut self, module: &ModuleFile, b: &Binding, name: &str, depth: usize) -> Step {
        let location = Some(Location {
            path: module.path.clone(),
            range: b.name_range.clone(),
        });
        let defined_in = Some(module.name.clone());
        match &b.kind {
            BindingKind::Function(f) => {
                let decorators = self.decorators(module, f, depth);
                Step::Found(vec![Target {
                    kind: TargetKind::Function {
                        function: f.clone(),
                        skip: 0,
                        decorators,
                        stmt_end: b.stmt_range.end,
                    },
                    location,
                    defined_in,
                }])
            }
            BindingKind::Class(c) => Step::Found(vec![Target {
                kind: TargetKind::Class(c.clone()),
                location,
                defined_in,
            }]),
            BindingKind::ImportModule { module: imported } => {
                match find_module(self.layout, imported) {
                    Some(m) => Step::Found(vec![module_target(m)]),
                    None => Step::Found(vec![unknown(format!(
                        "module `{imported}` (not part of this project)"
                    ))]),
                }
            }
            BindingKind::ImportFrom {
                from,
                name: imported,
            } => {
                let Some(abs) = absolute(module, from) else {
                    return Step::Missing(format!("module `{}`", module.name));
                };
                let Some(source) = find_module(self.layout, &abs) else {
                    return Step::Found(vec![unknown(format!(
                        "`{imported}` imported from `{abs}` (not part of this project)"
                    ))]);
                };
                match self.module_attr(&source, imported, depth + 1) {
                    Step::Found(t) => Step::Found(t),
                    Step::Missing(_) => {
                        match find_module(self.layout, &format!("{abs}.{imported}")) {
                            Some(sub) => Step::Found(vec![module_target(sub)]),
                            None => Step::Missing(format!("module `{abs}`")),
                        }
                    }
                    other => other,
                }
            }
            BindingKind::Value(value) => match value {
                Value::Name(dotted) => {
                    if dotted == name && depth > 0 {
                        return Step::Missing(format!("module `{}`", module.name));
                    }
                    self.dotted_in_module(module, dotted, b, depth + 1)
                }
                Value::Call {
                    callee: Some(callee),
                } => {
                    let class = match self.dotted_in_module(module, callee, b, depth + 1) {
                        Step::Found(t) => t.into_iter().find_map(|t| match t.kind {
                            TargetKind::Class(c) => Some(Box::new(c)),
                            _ => None,
                        }),
                        _ => None,
                    };
                    Step::Found(vec![Target {
                        kind: TargetKind::Instance {
                            callee: callee.clone(),
                            class,
                        },
                        location,
                        defined_in,
                    }])
                }
                Value::Call { callee: None } | Value::Other => Step::Found(vec![Target {
                    kind: TargetKind::Unknown(format!("`{name}`, a computed value")),
                    location,
                    defined_in,
                }]),
                Value::Lambda(f) => Step::Found(vec![Target {
                    kind: TargetKind::Function {
                        function: f.clone(),
                        skip: 0,
                        decorators: Vec::new(),
                        stmt_end: b.stmt_range.end,
                    },
                    location,
                    defined_in,
                }]),
                Value::Literal(what) => Step::Found(vec![Target {
                    kind: TargetKind::Literal(what),
                    location,
                    defined_in,
                }]),
            },
        }
    }

    /// Resolves `a.b.c` as written inside `module` (at module level), skipping the binding being
    /// evaluated so that `main = main` style rebinding does not loop.
    fn dotted_in_module(
        &mut self,
        module: &ModuleFile,
        dotted: &str,
        _from: &Binding,
        depth: usize,
    ) -> Step {
        if depth > MAX_DEPTH {
            return Step::Opaque("the alias chain is too deep to follow".into());
        }
        let mut parts = dotted.split('.');
        let Some(first) = parts.next() else {
            return Step::Missing(format!("module `{}`", module.name));
        };
        let mut current = match self.module_attr(module, first, depth) {
            Step::Found(mut t) => t.swap_remove(0),
            Step::Missing(_) if is_builtin(first) => {
                return Step::Found(vec![unknown(format!("the builtin `{first}`"))]);
            }
            other => return other,
        };
        for part in parts {
            current = match self.attribute(&current, part, depth + 1) {
                Step::Found(mut t) => t.swap_remove(0),
                other => return other,
            };
        }
        Step::Found(vec![current])
    }

    fn class_attr(
        &mut self,
        class: &Class,
        target: &Target,
        name: &str,
        instance: bool,
        depth: usize,
    ) -> Step {
        if let Some(bindings) = class.members.get(name) {
            let b = &bindings[bindings.len() - 1];
            let location = target.location.as_ref().map(|l| Location {
                path: l.path.clone(),
                range: b.name_range.clone(),
            });
            let defined_in = target.defined_in.clone();
            return match &b.kind {
                BindingKind::Function(f) => {
                    let module = target
                        .defined_in
                        .as_deref()
                        .and_then(|m| find_module(self.layout, m));
                    let decorators = match &module {
                        Some(m) => self.decorators(m, f, depth),
                        None => Vec::new(),
                    };
                    let is_static = decorators.contains(&DecoratorKind::StaticMethod);
                    let is_class = decorators.contains(&DecoratorKind::ClassMethod);
                    // From the class, a plain method still needs `self`; from an instance it is bound.
                    let skip = if is_static {
                        0
                    } else if is_class || instance {
                        1
                    } else {
                        0
                    };
                    Step::Found(vec![Target {
                        kind: TargetKind::Function {
                            function: f.clone(),
                            skip,
                            decorators,
                            stmt_end: b.stmt_range.end,
                        },
                        location,
                        defined_in,
                    }])
                }
                BindingKind::Class(c) => Step::Found(vec![Target {
                    kind: TargetKind::Class(c.clone()),
                    location,
                    defined_in,
                }]),
                BindingKind::Value(Value::Literal(what)) => Step::Found(vec![Target {
                    kind: TargetKind::Literal(what),
                    location,
                    defined_in,
                }]),
                BindingKind::Value(Value::Lambda(f)) => Step::Found(vec![Target {
                    kind: TargetKind::Function {
                        function: f.clone(),
                        skip: usize::from(instance),
                        decorators: Vec::new(),
                        stmt_end: b.stmt_range.end,
                    },
                    location,
                    defined_in,
                }]),
                _ => Step::Found(vec![Target {
                    kind: TargetKind::Unknown(format!("class attribute `{}.{name}`", class.name)),
                    location,
                    defined_in,
                }]),
            };
        }
        if class.bases.is_empty() {
            return Step::Missing(format!("class `{}`", class.name));
        }
        // Look in the bases defined in this project; an external base may define anything.
        let Some(module) = target
            .defined_in
            .as_deref()
            .and_then(|m| find_module(self.layout, m))
        else {
            return Step::Opaque(format!("`{name}` may be inherited by `{}`", class.name));
        };
        for base in &class.bases {
            let dummy = Binding {
                name_range: 0..0,
                stmt_range: 0..0,
                kind: BindingKind::Value(Value::Other),
            };
            match self.dotted_in_module(&module, base, &dummy, depth + 1) {
                Step::Found(t) => {
                    if let Some(TargetKind::Class(c)) = t.first().map(|t| &t.kind) {
                        if let Step::Found(found) =
                            self.class_attr(c, &t[0], name, instance, depth + 1)
                        {
                            return Step::Found(found);
                        }
                        continue;
                    }
                    return Step::Opaque(format!("`{name}` may be inherited from `{base}`"));
                }
                _ => return Step::Opaque(format!("`{name}` may be inherited from `{base}`")),
            }
        }
        Step::Missing(format!("class `{}`", class.name))
    }

    /// Classifies a function's decorators (click, typer, staticmethod...) by resolving their heads
    /// in the defining module.
    fn decorators(
        &mut self,
        module: &ModuleFile,
        f: &Function,
        depth: usize,
    ) -> Vec<DecoratorKind> {
        let mut out = Vec::new();
        for d in &f.decorators {
            let path = d.path.as_str();
            let last = path.rsplit('.').next().unwrap_or(path);
            let head = path.split('.').next().unwrap_or(path);
            if path == "staticmethod" {
                out.push(DecoratorKind::StaticMethod);
                continue;
            }
            if path == "classmethod" {
                out.push(DecoratorKind::ClassMethod);
                continue;
            }
            let origin = self.import_origin(module, head);
            let clickish = |m: &str| {
                ["click", "rich_click", "cloup", "asyncclick", "typer"]
                    .contains(&m.split('.').next().unwrap_or(m))
            };
            if ["command", "group"].contains(&last)
                && origin
                    .as_deref()
                    .is_some_and(|o| clickish(o) && !o.starts_with("typer"))
            {
                out.push(DecoratorKind::Click(path.to_string()));
                continue;
            }
            if path.contains('.') && ["command", "callback"].contains(&last) {
                // `@app.command()`: what is `app`?
                let head_path = &path[..path.len() - last.len() - 1];
                let dummy = Binding {
                    name_range: 0..0,
                    stmt_range: 0..0,
                    kind: BindingKind::Value(Value::Other),
                };
                let kind = match self.dotted_in_module(module, head_path, &dummy, depth + 1) {
                    Step::Found(t) => match t.first().map(|t| &t.kind) {
                        Some(TargetKind::Instance { callee, .. })
                            if callee.rsplit('.').next() == Some("Typer") =>
                        {
                            Some(DecoratorKind::Typer {
                                app: head_path.to_string(),
                            })
                        }
                        Some(TargetKind::Instance { callee, .. })
                            if ["Group", "group", "MultiCommand"]
                                .contains(&callee.rsplit('.').next().unwrap_or("")) =>
                        {
                            Some(DecoratorKind::Click(path.to_string()))
                        }
                        Some(TargetKind::Function { decorators, .. })
                            if decorators
                                .iter()
                                .any(|d| matches!(d, DecoratorKind::Click(_))) =>
                        {
                            Some(DecoratorKind::Click(path.to_string()))
                        }
                        _ => None,
                    },
                    _ => None,
                };
                if let Some(kind) = kind {
                    out.push(kind);
                    continue;
                }
            }
            out.push(DecoratorKind::Other(path.to_string()));
        }
        out
    }

    /// The module a name was imported from in `module` (`click` for `import click` or
    /// `from click import command`), without following further.
    fn import_origin(&mut self, module: &ModuleFile, name: &str) -> Option<String> {
        let summary = self.summary(&module.path)?;
        summary.names.get(name)?.iter().find_map(|b| match &b.kind {
            BindingKind::ImportModule { module } => Some(module.clone()),
            BindingKind::ImportFrom { from, .. } if from.level == 0 => Some(from.module.clone()),
            _ => None,
        })
    }
}

fn module_target(m: ModuleFile) -> Target {
    Target {
        location: Some(Location {
            path: m.path.clone(),
            range: 0..0,
        }),
        defined_in: Some(m.name.clone()),
        kind: TargetKind::Module(m),
    }
}

fn unknown(what: String) -> Target {
    Target {
        kind: TargetKind::Unknown(what),
        location: None,
        defined_in: None,
    }
}

/// Makes a `from` import absolute relative to `module` (a package counts as its own parent level).
pub fn absolute(module: &ModuleFile, from: &ImportTarget) -> Option<String> {
    if from.level == 0 {
        return Some(from.module.clone());
    }
    let mut parts: Vec<&str> = module.name.split('.').collect();
    let is_package = module
        .path
        .file_name()
        .is_some_and(|f| f == "__init__.py" || f == "__init__.pyi")
        || module.kind == ModuleKind::Namespace;
    let drop = if is_package {
        from.level - 1
    } else {
        from.level
    } as usize;
    if drop > parts.len() {
        return None;
    }
    parts.truncate(parts.len() - drop);
    if !from.module.is_empty() {
        parts.push(&from.module);
    }
    if parts.is_empty() {
        return None;
    }
    Some(parts.join("."))
}

fn is_builtin(name: &str) -> bool {
    [
        "print",
        "exit",
        "quit",
        "help",
        "input",
        "open",
        "len",
        "str",
        "int",
        "dict",
        "list",
        "object",
        "type",
        "super",
        "staticmethod",
        "classmethod",
        "property",
    ]
    .contains(&name)
}
