//! What every request and response of the local web page goes through: the checks that keep
//! other web sites out, and the headers that keep the page to itself.

use std::collections::HashMap;
use std::io::Read;

use tiny_http::{Header, Method, Request, Response};

/// The most a form post may carry: a register's flow form is a few kilobytes.
const MAX_BODY: u64 = 2 * 1024 * 1024;

/// Nothing remote, nothing inline: only the page's own stylesheet, script and images.
pub const CSP: &str = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// A response before it is sent.
#[derive(Debug)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// The content type.
    pub content_type: &'static str,
    /// The body.
    pub body: Vec<u8>,
    /// Extra headers (Location, Content-Disposition).
    pub headers: Vec<(&'static str, String)>,
}

impl Reply {
    /// An HTML page.
    pub fn html(status: u16, body: String) -> Reply {
        Reply {
            status,
            content_type: "text/html; charset=utf-8",
            body: body.into_bytes(),
            headers: Vec::new(),
        }
    }

    /// A plain-text message (for refusals a browser shows as they are).
    pub fn text(status: u16, body: &str) -> Reply {
        Reply {
            status,
            content_type: "text/plain; charset=utf-8",
            body: format!("{body}\n").into_bytes(),
            headers: Vec::new(),
        }
    }

    /// A file to download under `name`.
    pub fn download(content_type: &'static str, name: &str, body: Vec<u8>) -> Reply {
        Reply {
            status: 200,
            content_type,
            body,
            headers: vec![(
                "Content-Disposition",
                format!("attachment; filename=\"{name}\""),
            )],
        }
    }

    /// "See other": after a form is saved, the browser asks for `to` afresh.
    pub fn redirect(to: &str) -> Reply {
        Reply {
            status: 303,
            content_type: "text/plain; charset=utf-8",
            body: Vec::new(),
            headers: vec![("Location", to.to_string())],
        }
    }

    /// Sends the reply with the headers every response carries.
    pub fn send(self, request: Request) {
        let mut response = Response::from_data(self.body).with_status_code(self.status);
        let mut add = |name: &str, value: &str| {
            if let Ok(h) = Header::from_bytes(name.as_bytes(), value.as_bytes()) {
                response.add_header(h);
            }
        };
        add("Content-Type", self.content_type);
        add("Content-Security-Policy", CSP);
        add("X-Content-Type-Options", "nosniff");
        add("X-Frame-Options", "DENY");
        // `same-origin`, not `no-referrer`: with no referrer at all a browser sends `Origin: null`
        // on a form post, which the Origin check must refuse. Other sites still get nothing.
        add("Referrer-Policy", "same-origin");
        add("Cache-Control", "no-store");
        add("Cross-Origin-Resource-Policy", "same-origin");
        for (name, value) in &self.headers {
            add(name, value);
        }
        // A browser that went away is no concern of the next request's.
        let _ = request.respond(response);
    }
}

/// The header's value, if the request has it once.
pub fn header<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request
        .headers()
        .iter()
        .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str())
}

/// Why a request is refused before it reaches a page.
pub fn refuse_foreign(request: &Request, port: u16) -> Option<Reply> {
    let Some(host) = header(request, "Host") else {
        return Some(Reply::text(400, "gpdata: the request has no Host header"));
    };
    // Only an address typed as numbers or `localhost`: a web site's own name pointed at this
    // machine (DNS rebinding) is refused, so no other site can read the page.
    if !host_is_local(host, port) {
        return Some(Reply::text(
            403,
            "gpdata: refused: this page answers only at the address gpdata printed when it started",
        ));
    }
    if let Some(origin) = header(request, "Origin")
        && origin != format!("http://{host}")
    {
        return Some(Reply::text(
            403,
            "gpdata: refused: the request came from another web site",
        ));
    }
    if let Some(site) = header(request, "Sec-Fetch-Site")
        && !matches!(site, "same-origin" | "none")
        && *request.method() != Method::Get
    {
        return Some(Reply::text(
            403,
            "gpdata: refused: the request came from another web site",
        ));
    }
    None
}

/// True for `127.0.0.1:PORT`, `localhost:PORT`, `[::1]:PORT` and any other IP address with the
/// port (when gpdata was asked to listen beyond this machine).
pub fn host_is_local(host: &str, port: u16) -> bool {
    let Some((name, p)) = host.rsplit_once(':') else {
        return false;
    };
    if p.parse::<u16>() != Ok(port) {
        return false;
    }
    name.eq_ignore_ascii_case("localhost")
        || name.parse::<std::net::Ipv4Addr>().is_ok()
        || (name.starts_with('[')
            && name.ends_with(']')
            && name[1..name.len() - 1]
                .parse::<std::net::Ipv6Addr>()
                .is_ok())
}

/// A form post's fields (later values of a repeated name are kept in order, joined by lines).
pub fn read_form(request: &mut Request) -> Result<Form, Reply> {
    let mut body = Vec::new();
    let read = request
        .as_reader()
        .take(MAX_BODY + 1)
        .read_to_end(&mut body);
    if read.is_err() {
        return Err(Reply::text(400, "gpdata: the form could not be read"));
    }
    if body.len() as u64 > MAX_BODY {
        return Err(Reply::text(413, "gpdata: the form is too large"));
    }
    Ok(Form::parse(&body))
}

/// Form fields by name.
#[derive(Debug, Default)]
pub struct Form {
    fields: HashMap<String, Vec<String>>,
}

impl Form {
    /// Reads `a=1&b=2` (as browsers send forms and query strings).
    pub fn parse(bytes: &[u8]) -> Form {
        let mut fields: HashMap<String, Vec<String>> = HashMap::new();
        for (k, v) in form_urlencoded::parse(bytes) {
            fields
                .entry(k.into_owned())
                .or_default()
                .push(v.into_owned());
        }
        Form { fields }
    }

    /// The field's value (the first, if it was sent more than once).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .get(name)
            .and_then(|v| v.first())
            .map(String::as_str)
    }

    /// True when the form has the field at all.
    pub fn has(&self, name: &str) -> bool {
        self.fields.contains_key(name)
    }
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A fresh secret of 128 random bits, as hex.
pub fn new_token() -> Result<String, String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| format!("cannot get a random number from the system: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_addresses_typed_as_numbers_or_localhost_are_local() {
        assert!(host_is_local("127.0.0.1:8123", 8123));
        assert!(host_is_local("localhost:8123", 8123));
        assert!(host_is_local("[::1]:8123", 8123));
        assert!(!host_is_local("127.0.0.1:8124", 8123));
        assert!(!host_is_local("evil.example:8123", 8123));
        assert!(!host_is_local("127.0.0.1", 8123));
        assert!(!host_is_local("localhost.evil.example:8123", 8123));
    }

    #[test]
    fn forms_read_as_browsers_send_them() {
        let form = Form::parse(b"name=Dr+Smith%3A+Surgery&empty=&x=1&x=2");
        assert_eq!(form.get("name"), Some("Dr Smith: Surgery"));
        assert_eq!(form.get("empty"), Some(""));
        assert_eq!(form.get("x"), Some("1"));
        assert!(!form.has("missing"));
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
    }
}
