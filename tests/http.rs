//! Router tests: the real HTTP application on the seed index, driven with `oneshot`, no socket.

use std::path::PathBuf;
use std::sync::OnceLock;

use crate::util::{current_generation, fixture, flip_middle_byte, generation_file, SEED};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use baogao::http::{router, AppState, Capacity};
use baogao::indexer::build_index;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

/// A seed index in a temporary directory and the application over it.
struct App {
    dir: tempfile::TempDir,
    state: AppState,
}

impl App {
    /// The seed application shared by the tests that only read.
    fn seed() -> &'static App {
        static SEED_APP: OnceLock<App> = OnceLock::new();
        SEED_APP.get_or_init(App::new)
    }

    /// An application of its own, for a test that rebuilds the index.
    fn new() -> App {
        let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
        build_index(&[fixture(SEED)], &dir.path().join("index"), &mut |_| {}).unwrap();
        let state = AppState::open(&dir.path().join("index")).unwrap();
        App { dir, state }
    }

    fn router(&self) -> Router {
        router(self.state.clone())
    }

    async fn send(&self, request: Request<Body>) -> (StatusCode, String, String) {
        let response = self.router().oneshot(request).await.unwrap();
        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (
            status,
            content_type,
            String::from_utf8(body.to_vec()).unwrap(),
        )
    }

    /// GET `path` (Chinese and other non-ASCII characters are percent-encoded here).
    async fn get(&self, path: &str) -> (StatusCode, String, String) {
        self.send(Request::get(encode(path)).body(Body::empty()).unwrap())
            .await
    }

    /// An application of its own on the seed, with the seed and a second report in `reports/`
    /// (not indexed yet); the index root and that folder.
    fn with_second_report() -> (App, PathBuf, PathBuf) {
        let app = App::new();
        let root = app.dir.path().join("index");
        let reports = app.dir.path().join("reports");
        std::fs::create_dir(&reports).unwrap();
        std::fs::copy(fixture(SEED), reports.join(SEED)).unwrap();
        std::fs::write(
            reports.join("xq-2023_某新区2023年工作总结.txt"),
            "一、总体情况\n新区引进饭团科技项目。\n",
        )
        .unwrap();
        (app, root, reports)
    }

    /// Expects a 400 for `path` whose JSON error says `message`.
    async fn refuses(&self, path: &str, message: &str) {
        let (status, body) = self.json(path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert!(
            body["error"].as_str().unwrap().contains(message),
            "{path}: {body}"
        );
    }

    async fn json(&self, path: &str) -> (StatusCode, Value) {
        let (status, content_type, body) = self.get(path).await;
        assert!(
            content_type.starts_with("application/json"),
            "{path}: {content_type}"
        );
        (status, serde_json::from_str(&body).unwrap())
    }
}

/// Percent-encodes what may not stand in a URI: non-ASCII bytes, spaces, quotes, `<`, `>`.
fn encode(path: &str) -> String {
    let mut out = String::new();
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn citations(results: &Value) -> Vec<&str> {
    results["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["citation"].as_str().unwrap())
        .collect()
}

// ---- JSON API ----

#[tokio::test]
async fn api_search_returns_the_cli_shape() {
    let app = App::seed();
    let (status, results) = app.json("/api/search?q=华勤").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(results["total"], 2);
    assert_eq!(results["interpretation"]["mode"], "verbatim");
    let hit = &results["hits"][0];
    for key in crate::util::HIT_KEYS {
        assert!(hit.get(key).is_some(), "missing {key}");
    }
    assert!(hit["snippet"]
        .as_str()
        .unwrap()
        .contains("<mark>华勤</mark>"));
}

#[tokio::test]
async fn api_search_applies_filters_and_paging() {
    let app = App::seed();
    let (_, filtered) = app
        .json("/api/search?q=水&section=营商环境&doc=gxq-2024&year=2024")
        .await;
    assert!(
        citations(&filtered)
            .iter()
            .all(|c| c.starts_with("gxq-2024:4.")),
        "{filtered}"
    );
    let (_, all) = app.json("/api/search?q=发展&limit=100").await;
    let (_, page) = app.json("/api/search?q=发展&limit=3&offset=3").await;
    assert_eq!(citations(&page), citations(&all)[3..6].to_vec());
    let (_, traditional) = app.json("/api/search?q=農夫山泉").await;
    assert_eq!(traditional["total"], 2);
}

#[tokio::test]
async fn api_search_errors_are_400_json() {
    let app = App::seed();
    let long = format!("/api/search?q={}", "水".repeat(300));
    let cases = [
        ("/api/search", "missing query parameter q"),
        ("/api/search?q=", "empty"),
        ("/api/search?q=%22%E5%8D%8E", "quote is not closed"),
        ("/api/search?q=水&limit=abc", "limit must be a whole number"),
        ("/api/search?q=水&limit=1000", "limit 1000 is too large"),
        (
            "/api/search?q=水&offset=-1",
            "offset must be a whole number",
        ),
        ("/api/search?q=水&year=二〇二四", "bad year \"二〇二四\""),
        ("/api/search?q=水&offset=1000000000000", "is too deep"),
        (
            "/api/search?q=水&offset=18446744073709551615",
            "is too deep",
        ),
        ("/api/search?q=水&offset=9995&limit=10", "is too deep"),
        ("/api/search?q=水&section=十", "no section matches"),
        ("/api/search?q=水&doc=nosuch", "no document"),
        (long.as_str(), "longer than 256"),
    ];
    for (path, message) in cases {
        app.refuses(path, message).await;
    }
}

#[tokio::test]
async fn api_passage_carries_its_neighbours() {
    let app = App::seed();
    let (status, passage) = app.json("/api/passages/gxq-2024:2.1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(passage["text"]
        .as_str()
        .unwrap()
        .starts_with("一是跨江融合发展如火如荼"));
    assert_eq!(passage["previous"], "gxq-2024:1.4");
    assert_eq!(passage["next"], "gxq-2024:2.2");
    let (_, first) = app.json("/api/passages/gxq-2024:0").await;
    assert_eq!(first["previous"], Value::Null);
    let (_, last) = app.json("/api/passages/gxq-2024:5.5").await;
    assert_eq!(last["next"], Value::Null);
    let (_, section) = app.json("/api/passages/gxq-2024:3").await;
    assert_eq!(section["kind"], "section");
    assert_eq!(section["previous"], "gxq-2024:2.3");
    assert_eq!(section["next"], "gxq-2024:4.1");
}

#[tokio::test]
async fn api_unknown_citation_is_404() {
    let app = App::seed();
    let (status, body) = app.json("/api/passages/gxq-2024:9.9").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body["error"].as_str().unwrap().contains("gxq-2024:9.9"));
}

#[tokio::test]
async fn api_sections_docs_and_health() {
    let app = App::seed();
    let (status, sections) = app.json("/api/sections").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(sections[0]["sections"].as_array().unwrap().len(), 5);
    assert_eq!(sections[0]["sections"][3]["citation"], "gxq-2024:4");
    assert_eq!(sections[0]["sections"][3]["passages"], 4);
    let (_, one) = app.json("/api/sections?doc=gxq-2024").await;
    assert_eq!(one, sections);
    let (status, _) = app.json("/api/sections?doc=nosuch").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (_, docs) = app.json("/api/docs").await;
    assert_eq!(docs[0]["id"], "gxq-2024");
    assert_eq!(docs[0]["passages"], 20);
    assert!(docs[0].get("sections").is_none());
    let (_, second) = app.json("/api/sections?section=二").await;
    assert_eq!(second[0]["sections"].as_array().unwrap().len(), 1);
    assert_eq!(second[0]["sections"][0]["citation"], "gxq-2024:2");
    let (_, issued) = app.json("/api/docs?issuer=河源国家高新区&year=").await;
    assert_eq!(issued, docs);
    let (status, _) = app.json("/api/docs?issuer=国务院").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, health) = app.json("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(health["status"], "ok");
}

#[tokio::test]
async fn unknown_paths_are_404() {
    let app = App::seed();
    let (status, body) = app.json("/api/nothing").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"], "no such endpoint: /api/nothing");
    let (status, content_type, page) = app.get("/nothing").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(content_type.starts_with("text/html"));
    assert!(page.contains("没有这个页面"));
}

#[tokio::test]
async fn request_bodies_are_refused() {
    let app = App::seed();
    let request = Request::get("/api/search?q=a")
        .header(header::CONTENT_LENGTH, "3")
        .body(Body::from("abc"))
        .unwrap();
    let (status, _, body) = app.send(request).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("takes no request body"));
    let post = Request::post("/api/search?q=a")
        .body(Body::empty())
        .unwrap();
    let (status, _, _) = app.send(post).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
}

// ---- Pages ----

#[tokio::test]
async fn the_front_page_has_the_form_and_section_filter() {
    let app = App::seed();
    let (status, content_type, page) = app.get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.starts_with("text/html"));
    assert!(page.contains("<form id=\"search\" action=\"/search\""));
    assert!(page.contains(
        "<option value=\"gxq-2024:4\">(四)纵深推进管理服务质量提升年活动,营商环境水平得到进一步"
    ));
    assert!(page.contains("/assets/app.js"));
}

#[tokio::test]
async fn the_results_page_is_rendered_on_the_server() {
    let app = App::seed();
    let (status, _, page) = app.get("/search?q=华勤&section=gxq-2024:2").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("共 <strong id=\"total\">1</strong> 条结果"),
        "{page}"
    );
    assert!(page.contains("<a class=\"citation\" href=\"/p/gxq-2024:2.3\">gxq-2024:2.3</a>"));
    assert!(page.contains("<mark>华勤</mark>"));
    assert!(page.contains("<option value=\"gxq-2024:2\" selected>"));
}

#[tokio::test]
async fn results_page_through_with_links() {
    let app = App::seed();
    let (_, _, page) = app.get("/search?q=发展&limit=5").await;
    assert!(page.contains("<a rel=\"next\" href=\"/search?q=%E5%8F%91%E5%B1%95&amp;limit=5&amp;offset=5\">下一页</a>"), "{page}");
    let (_, _, second) = app.get("/search?q=发展&limit=5&offset=5").await;
    assert!(second.contains("<ol class=\"hits\" start=\"6\">"));
    assert!(second.contains("rel=\"prev\""));
}

#[tokio::test]
async fn page_links_keep_every_filter() {
    let app = App::seed();
    let (_, _, page) = app
        .get("/search?q=发展&issuer=河源国家高新区&year=2024&limit=5")
        .await;
    let next = "<a rel=\"next\" href=\"/search?q=%E5%8F%91%E5%B1%95\
                &amp;issuer=%E6%B2%B3%E6%BA%90%E5%9B%BD%E5%AE%B6%E9%AB%98%E6%96%B0%E5%8C%BA\
                &amp;year=2024&amp;limit=5&amp;offset=5\">下一页</a>";
    assert!(page.contains(next), "{page}");
    // The form carries the issuer too, so that a new search keeps it.
    assert!(
        page.contains("name=\"issuer\"") && page.contains("value=\"河源国家高新区\""),
        "{page}"
    );
    let (_, _, second) = app
        .get("/search?q=发展&issuer=河源国家高新区&year=2024&limit=5&offset=5")
        .await;
    assert!(second.contains("<ol class=\"hits\" start=\"6\">"));
    assert!(second.contains("&amp;issuer=%E6%B2%B3"), "{second}");
}

#[tokio::test]
async fn queries_and_report_text_are_escaped() {
    let app = App::seed();
    let (status, _, page) = app.get("/search?q=<script>alert(1)</script>").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(page.contains("value=\"&lt;script&gt;alert(1)&lt;/script&gt;\""));
    let (status, _, bad) = app.get("/search?q=\"<b>").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        bad.contains("<p class=\"error\">bad query &quot;\\&quot;&lt;b&gt;&quot;"),
        "{bad}"
    );
}

#[tokio::test]
async fn a_fragment_request_returns_the_results_block_only() {
    let app = App::seed();
    let (status, _, block) = app.get("/search?q=塔斯汀&fragment=1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(block.starts_with("<p class=\"summary\">"), "{block}");
    assert!(!block.contains("<html"));
}

#[tokio::test]
async fn the_passage_page_shows_context_and_the_quote() {
    let app = App::seed();
    let (status, _, page) = app.get("/p/gxq-2024:2.1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<blockquote id=\"passage-text\"><p>一是跨江融合发展如火如荼。"));
    assert!(page.contains("› <span>(二)纵深推进产业空间拓展突破年活动"));
    assert!(page.contains("href=\"/p/gxq-2024:1.4\""));
    assert!(page.contains("href=\"/p/gxq-2024:2.2\""));
    assert!(page.contains("data-copy=\"一是跨江融合发展如火如荼。"));
    assert!(page.contains("—— gxq-2024:2.1\">复制引用</button>"));
    let (status, _, missing) = app.get("/p/gxq-2024:9.9").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(missing.contains("gxq-2024:9.9"));
}

#[tokio::test]
async fn assets_are_served_from_the_binary() {
    let app = App::seed();
    let (status, content_type, css) = app.get("/assets/style.css").await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.starts_with("text/css"));
    assert!(css.contains("PingFang SC"));
    let (_, content_type, js) = app.get("/assets/app.js").await;
    assert!(content_type.starts_with("text/javascript"));
    assert!(js.contains("fragment=1"));
}

// ---- Analysis endpoints ----

#[tokio::test]
async fn trend_kwic_and_compare_answer_as_the_cli_does() {
    let app = App::seed();
    let (status, trend) = app.json("/api/trend?terms=华勤,招商引資&by=year").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(trend["terms"], serde_json::json!(["华勤", "招商引资"]));
    assert_eq!(trend["rows"][0]["bucket"]["year"], 2024);
    assert_eq!(trend["rows"][0]["counts"]["华勤"]["occurrences"], 2);
    assert_eq!(trend["first"]["华勤"]["citation"], "gxq-2024:1.1");

    let (status, kwic) = app.json("/api/kwic?term=华勤&width=4").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kwic["total"], 2);
    assert_eq!(kwic["lines"][0]["match"], "华勤");
    assert_eq!(kwic["lines"][0]["citation"], "gxq-2024:1.1");

    let (status, _, csv) = app.get("/api/kwic?term=华勤&format=csv").await;
    assert_eq!(status, StatusCode::OK);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["citation", "left", "match", "right"]
    );
    assert_eq!(reader.records().count(), 2);
    let response = app
        .router()
        .oneshot(
            Request::get(encode("/api/trend?terms=华勤&format=csv&bom=1"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        response.headers()[header::CONTENT_DISPOSITION],
        "attachment; filename=\"trend.csv\""
    );
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert!(body.starts_with(b"\xEF\xBB\xBFyear,chars,"));

    let (status, content_type, ris) = app.get("/api/passages/gxq-2024:2.1?format=ris").await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type.starts_with("application/x-research-info-systems"));
    assert!(ris.contains("TI  - 河源国家高新区2024年工作总结"), "{ris}");
    let (_, _, page) = app.get("/p/gxq-2024:2.1").await;
    assert!(
        page.contains("河源国家高新区. 河源国家高新区2024年工作总结[R]. 2024: gxq-2024:2.1."),
        "{page}"
    );
    let (status, compared) = app.json("/api/compare?a=gxq-2024&b=gxq-2024").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(compared["new"], serde_json::json!([]));
    for (path, message) in [
        (
            "/api/compare?a=gxq-2023&b=gxq-2024",
            "similar ones are gxq-2024",
        ),
        ("/api/trend?terms=", "at least one term"),
        ("/api/trend?terms=华勤&by=month", "bad --by"),
        ("/api/kwic?term=华勤&sort=up", "sort must be"),
        ("/api/kwic?term=华勤&width=500", "too wide"),
        ("/api/kwic?term=华勤&format=xml", "format must be"),
    ] {
        app.refuses(path, message).await;
    }
}

// ---- Hostile and unlucky requests ----

#[tokio::test]
async fn abusive_requests_get_their_4xx_and_the_server_goes_on() {
    let app = App::seed();
    // 9 KB: the http crate itself refuses to build a URI over 64 KB (the real server is tried
    // with 100 KB by scripts/hardening.sh).
    let long_query = format!("/api/search?q={}", "%E6%B0%B4".repeat(1_000));
    let cases: [(&str, StatusCode, &str); 7] = [
        (
            "/api/search?q=水&offset=1000000000000",
            StatusCode::BAD_REQUEST,
            "too deep",
        ),
        (
            "/api/search?q=水&limit=18446744073709551615",
            StatusCode::BAD_REQUEST,
            "too large",
        ),
        (&long_query, StatusCode::URI_TOO_LONG, "at most 4096"),
        ("/api/search?q=%ZZ", StatusCode::BAD_REQUEST, "hex digits"),
        ("/api/search?q=%FF%FE", StatusCode::BAD_REQUEST, "not UTF-8"),
        (
            "/api/search?q=a%00b",
            StatusCode::BAD_REQUEST,
            "control character U+0000",
        ),
        (
            "/api/passages/..%2F..%2Fetc%2Fpasswd",
            StatusCode::NOT_FOUND,
            "no passage",
        ),
    ];
    for (path, status, message) in cases {
        let (got, _, body) = app.get(path).await;
        assert_eq!(got, status, "{}", &path[..path.len().min(80)]);
        assert!(
            body.contains(message),
            "{}: {body}",
            &path[..path.len().min(80)]
        );
        let (health, _) = app.json("/healthz").await;
        assert_eq!(health, StatusCode::OK);
    }
    let (status, _, _) = app.get("/../../etc/passwd").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let huge_body = Request::get("/api/search?q=a")
        .header(header::CONTENT_LENGTH, "10000000")
        .body(Body::from(vec![b'x'; 10_000_000]))
        .unwrap();
    let (status, _, body) = app.send(huge_body).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(body.contains("takes no request body"));
}

#[tokio::test]
async fn a_panic_in_a_handler_is_a_500_for_that_request_only() {
    let app = baogao::http::with_middleware(
        Router::new()
            .route(
                "/boom",
                axum::routing::get(|| async {
                    if std::hint::black_box(true) {
                        panic!("boom");
                    }
                    "unreachable"
                }),
            )
            .route("/fine", axum::routing::get(|| async { "fine" })),
    );
    let response = app
        .clone()
        .oneshot(Request::get("/boom").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(response.headers().contains_key("x-request-id"));
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert!(String::from_utf8_lossy(&body).contains("internal error"));
    let response = app
        .oneshot(Request::get("/fine").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn beyond_its_capacity_the_server_sheds_with_503_and_retry_after() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let root = dir.path().join("index");
    build_index(&[fixture(SEED)], &root, &mut |_| {}).unwrap();
    let capacity = Capacity {
        running: 1,
        queued: 0,
    };
    let state = AppState::with_capacity(&root, capacity).unwrap();
    let busy = state.limits.try_admit().expect("the one place");
    for path in [
        "/api/search?q=%E5%8D%8E%E5%8B%A4",
        "/search?q=%E5%8D%8E%E5%8B%A4",
    ] {
        let response = router(state.clone())
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert_eq!(response.headers()[header::RETRY_AFTER], "1");
    }
    // The health check does no search: it answers while searches are shed.
    let response = router(state.clone())
        .oneshot(Request::get("/healthz").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    drop(busy);
    let response = router(state)
        .oneshot(
            Request::get("/api/search?q=%E5%8D%8E%E5%8B%A4")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

// ---- Reloading ----

#[tokio::test]
async fn a_damaged_generation_is_refused_and_the_old_one_goes_on_serving() {
    let (app, root, reports) = App::with_second_report();
    build_index(&[reports], &root, &mut |_| {}).unwrap();
    let generation = current_generation(&root);
    flip_middle_byte(&generation_file(&generation, ".store"));
    let error = app.state.engine.reload_if_changed().unwrap_err();
    assert!(
        error.to_string().contains("fail their checksums"),
        "{error}"
    );
    assert_ne!(app.state.engine.get().generation(), generation);
    let (status, results) = app.json("/api/search?q=华勤").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(results["total"], 2);
}

#[tokio::test]
async fn a_rebuilt_index_is_picked_up_without_restart() {
    let (app, root, reports) = App::with_second_report();
    let (_, before) = app.json("/api/search?q=饭团科技").await;
    assert_eq!(before["total"], 0);
    build_index(&[reports], &root, &mut |_| {}).unwrap();
    assert!(app.state.engine.reload_if_changed().unwrap());
    assert!(
        !app.state.engine.reload_if_changed().unwrap(),
        "nothing new the second time"
    );
    let (_, after) = app.json("/api/search?q=饭团科技").await;
    assert_eq!(citations(&after), vec!["xq-2023:1"]);
    let (_, page) = (0, app.get("/").await.2);
    assert!(
        page.contains("全部报告") && page.contains("全部年份"),
        "several reports bring report and year filters"
    );
}
