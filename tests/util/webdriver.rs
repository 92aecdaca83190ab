//! A small W3C WebDriver client over chromedriver, enough to type, click, read and take a
//! screenshot of a page in headless Chromium.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{json, Value};

/// The key W3C WebDriver uses for element references.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A child process killed when dropped.
pub struct Process(pub Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A free TCP port on the loopback interface.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// True if Debian's chromium and chromedriver are installed.
pub fn browser_available() -> bool {
    ["/usr/bin/chromium", "/usr/bin/chromedriver"]
        .iter()
        .all(|p| std::path::Path::new(p).exists())
}

/// A browser session in headless Chromium.
pub struct Browser {
    base: String,
    session: String,
    _driver: Process,
}

impl Browser {
    /// Starts chromedriver and opens a session with a fresh profile.
    pub fn start(profile: &std::path::Path) -> Browser {
        let port = free_port();
        let driver = Process(
            Command::new("/usr/bin/chromedriver")
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start chromedriver"),
        );
        let base = format!("http://127.0.0.1:{port}");
        wait_until(Duration::from_secs(20), "chromedriver to start", || {
            ureq::get(&format!("{base}/status")).call().ok().map(|_| ())
        });
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-quic", "--window-size=1200,900",
                    format!("--user-data-dir={}", profile.display()),
                ]
            }
        }}});
        let created: Value = ureq::post(&format!("{base}/session"))
            .send_json(capabilities)
            .expect("new WebDriver session")
            .into_json()
            .unwrap();
        let session = created["value"]["sessionId"]
            .as_str()
            .expect("session id")
            .to_string();
        Browser {
            base,
            session,
            _driver: driver,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/session/{}{path}", self.base, self.session)
    }

    fn post(&self, path: &str, body: Value) -> Value {
        match ureq::post(&self.url(path)).send_json(body) {
            Ok(response) => response.into_json::<Value>().unwrap()["value"].take(),
            Err(ureq::Error::Status(code, response)) => {
                panic!(
                    "WebDriver POST {path}: {code} {}",
                    response.into_string().unwrap_or_default()
                )
            }
            Err(error) => panic!("WebDriver POST {path}: {error}"),
        }
    }

    fn get(&self, path: &str) -> Value {
        ureq::get(&self.url(path))
            .call()
            .unwrap()
            .into_json::<Value>()
            .unwrap()["value"]
            .take()
    }

    /// Opens `url`.
    pub fn goto(&self, url: &str) {
        self.post("/url", json!({ "url": url }));
    }

    /// The URL of the current page.
    pub fn current_url(&self) -> String {
        self.get("/url").as_str().unwrap().to_string()
    }

    /// Element references matching a CSS selector.
    pub fn find_all(&self, selector: &str) -> Vec<String> {
        let found = self.post(
            "/elements",
            json!({"using": "css selector", "value": selector}),
        );
        found
            .as_array()
            .map(|elements| {
                elements
                    .iter()
                    .filter_map(|e| e[ELEMENT_KEY].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Waits for the first element matching `selector`.
    pub fn wait_for(&self, selector: &str) -> String {
        wait_until(Duration::from_secs(10), selector, || {
            self.find_all(selector).into_iter().next()
        })
    }

    /// Types `text` into an element.
    pub fn type_into(&self, element: &str, text: &str) {
        self.post(
            &format!("/element/{element}/value"),
            json!({ "text": text }),
        );
    }

    pub fn click(&self, element: &str) {
        self.post(&format!("/element/{element}/click"), json!({}));
    }

    /// The rendered text of an element.
    pub fn text(&self, element: &str) -> String {
        self.get(&format!("/element/{element}/text"))
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// The value of an element's attribute, if it has it.
    pub fn attribute(&self, element: &str, name: &str) -> Option<String> {
        self.get(&format!("/element/{element}/attribute/{name}"))
            .as_str()
            .map(str::to_string)
    }

    /// A PNG screenshot of the window.
    pub fn screenshot(&self) -> Vec<u8> {
        let encoded = self.get("/screenshot");
        base64::engine::general_purpose::STANDARD
            .decode(encoded.as_str().unwrap())
            .unwrap()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = ureq::delete(&format!("{}/session/{}", self.base, self.session)).call();
    }
}

/// Polls `probe` until it gives a value, or panics naming `what` after `timeout`.
pub fn wait_until<T>(timeout: Duration, what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    let started = Instant::now();
    loop {
        if let Some(value) = probe() {
            return value;
        }
        assert!(started.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}
