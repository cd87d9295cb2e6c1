//! Index credentials: from the URL, from `UV_INDEX_<NAME>_USERNAME/_PASSWORD`, from netrc.
//! Credentials live only here and in request headers; URLs shown anywhere go through [`Redacted`].

use std::fmt;
use std::path::{Path, PathBuf};

use reqwest::Url;

/// A user name and password for basic auth. `Debug` never prints the password.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub username: String,
    pub password: Option<String>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Credentials({:?}, ***)", self.username)
    }
}

/// Displays a URL with any user name or password replaced by `***`.
pub struct Redacted<'a>(pub &'a Url);

impl fmt::Display for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.username().is_empty() && self.0.password().is_none() {
            return write!(f, "{}", self.0);
        }
        let mut url = self.0.clone();
        let _ = url.set_username("***");
        let _ = url.set_password(None);
        write!(f, "{url}")
    }
}

/// Redacts a URL given as text; text that is not a URL is shown with anything before an `@` hidden.
pub fn redact(url: &str) -> String {
    match Url::parse(url) {
        Ok(u) => Redacted(&u).to_string(),
        Err(_) => match url.rsplit_once('@') {
            Some((_, host)) => format!("***@{host}"),
            None => url.to_string(),
        },
    }
}

/// Splits the credentials out of a URL, percent-decoded, leaving the URL without them.
pub fn take_userinfo(url: &mut Url) -> Option<Credentials> {
    if url.username().is_empty() && url.password().is_none() {
        return None;
    }
    let username = percent_decode(url.username());
    let password = url.password().map(percent_decode);
    let _ = url.set_username("");
    let _ = url.set_password(None);
    Some(Credentials { username, password })
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `UV_INDEX_<NAME>_USERNAME` / `_PASSWORD` for a named uv index (name upper-cased, every
/// character that is not alphanumeric turned into `_`, as uv does).
pub fn uv_env_credentials(
    index_name: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<Credentials> {
    let key: String = index_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    let username = env(&format!("UV_INDEX_{key}_USERNAME"));
    let password = env(&format!("UV_INDEX_{key}_PASSWORD"));
    if username.is_none() && password.is_none() {
        return None;
    }
    Some(Credentials {
        username: username.unwrap_or_default(),
        password,
    })
}

/// Where netrc lives: `NETRC`, else `~/.netrc` (`~/_netrc` on Windows).
pub fn netrc_path(env: &dyn Fn(&str) -> Option<String>, home: Option<&Path>) -> Option<PathBuf> {
    if let Some(p) = env("NETRC").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let home = home?;
    let name = if cfg!(windows) { "_netrc" } else { ".netrc" };
    Some(home.join(name))
}

/// Credentials for `host` from netrc text: the matching `machine`, else `default`.
pub fn netrc_lookup(text: &str, host: &str) -> Option<Credentials> {
    let mut tokens = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        tokens.extend(line.split_whitespace());
    }
    let mut found: Option<Credentials> = None;
    let mut default: Option<Credentials> = None;
    let mut i = 0;
    while i < tokens.len() {
        let (is_default, matches) = match tokens[i] {
            "machine" => {
                i += 1;
                (
                    false,
                    tokens.get(i).is_some_and(|m| m.eq_ignore_ascii_case(host)),
                )
            }
            "default" => (true, false),
            "macdef" => {
                // A macro runs to the next empty line; our token list has lost those, so stop.
                break;
            }
            _ => {
                i += 1;
                continue;
            }
        };
        i += 1;
        let mut creds = Credentials {
            username: String::new(),
            password: None,
        };
        while i < tokens.len() && !matches!(tokens[i], "machine" | "default" | "macdef") {
            match tokens[i] {
                "login" => {
                    creds.username = tokens.get(i + 1).map(|s| s.to_string()).unwrap_or_default()
                }
                "password" => creds.password = tokens.get(i + 1).map(|s| s.to_string()),
                _ => {
                    i += 1;
                    continue;
                }
            }
            i += 2;
        }
        if matches && found.is_none() {
            found = Some(creds);
        } else if is_default && default.is_none() {
            default = Some(creds);
        }
    }
    found.or(default)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_and_splits() {
        let mut url = Url::parse("https://alice:s%40cret@host.test/simple/").expect("test data");
        assert_eq!(Redacted(&url).to_string(), "https://***@host.test/simple/");
        let creds = take_userinfo(&mut url).expect("test data");
        assert_eq!(creds.password.as_deref(), Some("s@cret"));
        assert_eq!(url.as_str(), "https://host.test/simple/");
        assert!(!format!("{creds:?}").contains("cret"));
    }

    #[test]
    fn netrc() {
        let text = "machine other.test login bob password b\n# comment\nmachine HOST.test\n login alice\n password s3cret\ndefault login anon password x";
        assert_eq!(
            netrc_lookup(text, "host.test")
                .expect("test data")
                .password
                .as_deref(),
            Some("s3cret")
        );
        assert_eq!(
            netrc_lookup(text, "nowhere.test")
                .expect("test data")
                .username,
            "anon"
        );
    }

    #[test]
    fn uv_env() {
        let env = |k: &str| match k {
            "UV_INDEX_MY_CORP_USERNAME" => Some("u".to_string()),
            "UV_INDEX_MY_CORP_PASSWORD" => Some("p".to_string()),
            _ => None,
        };
        assert_eq!(
            uv_env_credentials("my-corp", &env)
                .expect("test data")
                .username,
            "u"
        );
        assert!(uv_env_credentials("other", &env).is_none());
    }
}
