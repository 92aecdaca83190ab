//! End to end: the real `baogao serve` on a free loopback port, driven in headless Chromium.
//! `.ci/run` installs Debian's chromium and chromium-driver; without them the test fails under CI
//! and is skipped, with a notice, elsewhere.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::util::webdriver::{browser_available, wait_until, Browser, Process};
use crate::util::Workspace;

/// Starts `baogao serve` on port 0 and returns it with the address it reports.
fn start_server(workspace: &Workspace) -> (Process, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_baogao"))
        .args(["serve", "--addr", "127.0.0.1:0", "--index", "index"])
        .current_dir(workspace.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start baogao serve");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let address = loop {
        let line = lines.next().expect("server exited before serving").unwrap();
        if let Some(address) = line
            .split(" on ")
            .nth(1)
            .filter(|a| a.starts_with("http://"))
        {
            break address.to_string();
        }
    };
    // Keep reading the request log so the server never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    (Process(child), address)
}

/// Share of pixels that differ from the top-left (background) pixel.
fn ink_share(png_bytes: &[u8]) -> f64 {
    let decoder = png::Decoder::new(png_bytes);
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut pixels).unwrap();
    let channels = frame.color_type.samples();
    let pixels = &pixels[..frame.buffer_size()];
    let background = &pixels[..channels];
    let differing = pixels
        .chunks(channels)
        .filter(|pixel| *pixel != background)
        .count();
    differing as f64 / (pixels.len() / channels) as f64
}

#[test]
fn search_filter_and_open_a_citation_in_chromium() {
    if !browser_available() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install chromium and chromium-driver (see .ci/run)"
        );
        eprintln!("skipped: apt-get install chromium chromium-driver to run the browser test");
        return;
    }
    let workspace = Workspace::with_seed();
    let (_server, address) = start_server(&workspace);
    let browser = Browser::start(&workspace.path().join("chromium-profile"));

    // Type 华勤: results appear as you type, with the matches highlighted.
    browser.goto(&format!("{address}/"));
    let input = browser.wait_for("#q");
    browser.type_into(&input, "华勤");
    let mark = browser.wait_for(".hit mark");
    assert_eq!(browser.text(&mark), "华勤");
    let total = browser.wait_for("#total");
    assert_eq!(browser.text(&total), "2");

    let screenshot = browser.screenshot();
    let path = workspace.path().join("results.png");
    std::fs::write(&path, &screenshot).unwrap();
    std::fs::copy(
        &path,
        concat!(env!("CARGO_TARGET_TMPDIR"), "/browser-results.png"),
    )
    .unwrap();
    let ink = ink_share(&screenshot);
    assert!(
        ink > 0.01,
        "the results page looks blank ({:.2}% of pixels drawn)",
        ink * 100.0
    );

    // Pick section (二): the page reloads with the one passage of that section.
    let option = browser.wait_for("#section option[value='gxq-2024:2']");
    browser.click(&option);
    wait_until(
        Duration::from_secs(10),
        "the section filter to apply",
        || {
            browser
                .current_url()
                .contains("section=gxq-2024%3A2")
                .then_some(())
        },
    );
    let total = browser.wait_for("#total");
    assert_eq!(browser.text(&total), "1");

    // Click the citation: the passage opens in context at its own URL.
    let citation = browser.wait_for(".hit a.citation");
    assert_eq!(browser.text(&citation), "gxq-2024:2.3");
    browser.click(&citation);
    let passage = browser.wait_for("#passage-text");
    assert!(
        browser.current_url().ends_with("/p/gxq-2024:2.3"),
        "{}",
        browser.current_url()
    );
    assert!(browser
        .text(&passage)
        .contains("华勤项目二期定制化厂房建设加快推进"));
    let next = browser.wait_for(".walk a[rel=next]");
    assert_eq!(browser.text(&next), "下一段 gxq-2024:3.1 →");

    // An issuer-filtered search keeps its issuer on page 2.
    browser.goto(&format!(
        "{address}/search?q=%E5%8F%91%E5%B1%95&issuer=%E6%B2%B3%E6%BA%90%E5%9B%BD%E5%AE%B6%E9%AB%98%E6%96%B0%E5%8C%BA&limit=5"
    ));
    let total = browser.text(&browser.wait_for("#total"));
    let next_page = browser.wait_for(".pager a[rel=next]");
    browser.click(&next_page);
    let url = wait_until(Duration::from_secs(10), "page 2 to open", || {
        let url = browser.current_url();
        url.contains("offset=5").then_some(url)
    });
    assert!(
        url.contains("issuer=%E6%B2%B3%E6%BA%90%E5%9B%BD%E5%AE%B6%E9%AB%98%E6%96%B0%E5%8C%BA"),
        "{url}"
    );
    assert_eq!(browser.text(&browser.wait_for("#total")), total);
    let first_on_page_two = browser.wait_for("ol.hits[start='6'] .hit");
    assert!(!browser.text(&first_on_page_two).is_empty());
    // The facets: one year, and its link adds the filter.
    let year = browser.wait_for("#facets .years a");
    assert_eq!(browser.text(&year), "2024年");

    // The trend page: the chart's points are the API's counts.
    let api: serde_json::Value = ureq::get(&format!(
        "{address}/api/trend?terms=%E5%8D%8E%E5%8B%A4,%E5%8F%91%E5%B1%95"
    ))
    .call()
    .unwrap()
    .into_json()
    .unwrap();
    browser.goto(&format!("{address}/"));
    browser.click(&browser.wait_for("header nav a[href='/trend']"));
    let terms = browser.wait_for("form.analysis input[name=terms]");
    browser.type_into(&terms, "华勤,发展");
    browser.click(&browser.wait_for("form.analysis button"));
    browser.wait_for("svg.chart circle.point");
    let points = browser.find_all("svg.chart circle.point");
    assert_eq!(points.len(), 2, "one year, two terms");
    for (point, term) in points.iter().zip(["华勤", "发展"]) {
        assert_eq!(
            browser.attribute(point, "data-year").as_deref(),
            Some("2024")
        );
        let expected = api["rows"][0]["counts"][term]["occurrences"].to_string();
        assert_eq!(
            browser.attribute(point, "data-value"),
            Some(expected),
            "{term}"
        );
    }
    let csv = browser.wait_for("#csv");
    assert!(browser
        .attribute(&csv, "href")
        .unwrap()
        .contains("format=csv"));

    // The concordance page: a row an occurrence, the match in its own cell.
    browser.goto(&format!("{address}/kwic?term=%E5%8D%8E%E5%8B%A4"));
    browser.wait_for("#kwic-table td.match");
    assert_eq!(browser.find_all("#kwic-table tr").len(), 2);
    assert_eq!(browser.text(&browser.wait_for("#total")), "2");

    // The comparison page: four lists whose words link to passages.
    browser.goto(&format!("{address}/compare?a=gxq-2024&b=gxq-2024"));
    for group in ["#new", "#gone", "#rose", "#fell"] {
        browser.wait_for(group);
    }
}
