//! The HTTP client: TLS that trusts the operating system, proxies from the environment, a
//! descriptive User-Agent, timeouts, and bodies read with a size cap.
//!
//! TLS: rustls with the `ring` provider and `rustls-platform-verifier`, so certificates are
//! checked by the OS verifier (macOS Security framework, Windows CryptoAPI) or, on Linux, against
//! the system store loaded by `rustls-native-certs`. On Linux that loader reads `SSL_CERT_FILE`
//! and `SSL_CERT_DIR` itself and then uses only those; on macOS and Windows the platform verifier
//! ignores them, so we also add the certificates of `SSL_CERT_FILE` as extra roots (company
//! proxies that re-sign TLS then work everywhere). Proxies: reqwest reads `HTTPS_PROXY`,
//! `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (and with `system-proxy`, the macOS/Windows settings).

use std::time::Duration;

use reqwest::{Client, Response};

/// Sent with every request, as the public index asks of API users.
pub const USER_AGENT: &str = concat!(
    "pyproject-lsp/",
    env!("CARGO_PKG_VERSION"),
    " (language server for pyproject.toml)"
);

/// Builds the client. Fails only when TLS cannot be set up at all.
pub fn client(
    connect_timeout: Duration,
    timeout: Duration,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Client, String> {
    // reqwest is built without a default crypto provider (aws-lc-rs is a slow C build); install
    // ring once per process. A second install fails harmlessly.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut builder = Client::builder()
        .user_agent(USER_AGENT)
        .connect_timeout(connect_timeout)
        .timeout(timeout)
        .pool_idle_timeout(Duration::from_secs(60))
        .redirect(reqwest::redirect::Policy::limited(5));
    if let Some(file) = env("SSL_CERT_FILE").filter(|f| !f.is_empty())
        && let Ok(pem) = std::fs::read(&file)
        && let Ok(certs) = reqwest::Certificate::from_pem_bundle(&pem)
    {
        for cert in certs {
            builder = builder.add_root_certificate(cert);
        }
    }
    builder
        .build()
        .map_err(|e| format!("cannot set up HTTPS: {e}"))
}

/// Reads a body of at most `limit` bytes. A body cut short (the connection closed before the
/// announced length) or too long is an error.
pub async fn body(mut response: Response, limit: usize) -> Result<Vec<u8>, String> {
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Err("the answer is too large".into());
    }
    let mut out = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if out.len() + chunk.len() > limit {
                    return Err("the answer is too large".into());
                }
                out.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(out),
            Err(e) => return Err(describe(&e)),
        }
    }
}

/// A short description of a transport error, without the URL (the caller adds a redacted one).
pub fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_body() || e.is_decode() {
        "the answer was cut short"
    } else if e.is_redirect() {
        "too many redirects"
    } else {
        "request failed"
    };
    // The source chain says why (certificate, DNS, reset); reqwest puts no credentials there
    // because we send them in a header.
    let mut cause = String::new();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        cause = s.to_string();
        source = s.source();
    }
    if cause.is_empty() {
        kind.to_string()
    } else {
        format!("{kind}: {cause}")
    }
}
