//! The `pyproject-lsp` binary: with no command it speaks LSP over stdio; `check` runs the same
//! diagnostics from a terminal. Logging goes to stderr only.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use pyproject_lsp::cli::{self, CheckOptions, OutputFormat};

#[derive(Parser)]
#[command(
    name = "pyproject-lsp",
    version,
    about = "A language server and checker for pyproject.toml"
)]
struct Args {
    /// Speak LSP over stdin/stdout (the default; accepted because editors pass it).
    #[arg(long, global = false)]
    stdio: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Check pyproject.toml files (or directories holding one) and print diagnostics.
    Check {
        /// Files or directories; the current directory when none is given.
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        output_format: Format,
        /// Apply safe fixes to the files.
        #[arg(long)]
        fix: bool,
    },
    /// List every rule: code, name, default severity and summary.
    Rules {
        /// Print a Markdown table (as in the README) instead of plain lines.
        #[arg(long)]
        markdown: bool,
    },
    /// Run the language server over stdio (same as no command).
    Lsp {
        #[arg(long)]
        stdio: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn main() {
    let args = Args::parse();
    match args.command {
        Some(Command::Check {
            paths,
            output_format,
            fix,
        }) => {
            let format = match output_format {
                Format::Text => OutputFormat::Text,
                Format::Json => OutputFormat::Json,
            };
            let options = CheckOptions { paths, format, fix };
            let code = cli::check(
                &options,
                &mut std::io::stdout().lock(),
                &mut std::io::stderr().lock(),
            );
            std::process::exit(code);
        }
        Some(Command::Rules { markdown }) => {
            let code = cli::rules(markdown, &mut std::io::stdout().lock());
            std::process::exit(code);
        }
        Some(Command::Lsp { .. }) | None => run_server(),
    }
}

fn run_server() {
    let mut settings = pyproject_lsp::config::Settings::default();
    let _ = settings.apply_env(&|k| std::env::var(k).ok());
    pyproject_lsp::log::set_level(settings.log_level);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            pyproject_lsp::log::log(
                pyproject_lsp::config::LogLevel::Error,
                &format!("cannot start the async runtime: {e}"),
            );
            std::process::exit(1);
        }
    };
    runtime.block_on(pyproject_lsp::server::serve_stdio());
}
