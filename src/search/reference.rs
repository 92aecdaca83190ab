//! References that researchers paste: a cited passage's report as a GB/T 7714-2015 entry (the
//! Chinese national standard for bibliographies), as RIS for EndNote and Zotero, and as CSL-JSON,
//! each followed by (or carrying) the passage's citation as its locator.
//!
//! A report with a `source:` URL in its front matter is an online report, `[R/OL]`, with the URL
//! and the date of access; without one it is `[R]`.

use std::time::{SystemTime, UNIX_EPOCH};

use serde::Deserialize;
use serde_json::json;

use super::passages::CitedText;
use crate::ingest::DocumentMeta;

/// A reference style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum ReferenceStyle {
    /// GB/T 7714-2015.
    Gbt7714,
    /// RIS, for EndNote and Zotero.
    Ris,
    /// CSL-JSON, for Zotero, Pandoc and citeproc.
    CslJson,
}

/// A date as year, month, day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date {
    pub year: i64,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// Today, in UTC.
    pub fn today() -> Date {
        let days = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() / 86_400) as i64;
        Date::from_days(days)
    }

    /// The civil date `days` after 1970-01-01 (Howard Hinnant's algorithm).
    fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let day_of_era = z.rem_euclid(146_097);
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let month_index = (5 * day_of_year + 2) / 153;
        let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
        let month = if month_index < 10 {
            month_index + 3
        } else {
            month_index - 9
        } as u32;
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        Date { year, month, day }
    }
}

/// The reference of the report behind `cited` in `style`, accessed on `accessed`.
pub fn reference(
    cited: &CitedText,
    meta: &DocumentMeta,
    style: ReferenceStyle,
    accessed: Date,
) -> String {
    let citation = &cited.passage.citation;
    let access = format!(
        "{}-{:02}-{:02}",
        accessed.year, accessed.month, accessed.day
    );
    match style {
        ReferenceStyle::Gbt7714 => {
            let author = meta
                .issuer
                .as_deref()
                .map(|issuer| format!("{issuer}. "))
                .unwrap_or_default();
            let year = meta.year.map(|y| y.to_string()).unwrap_or_default();
            match &meta.url {
                Some(url) => format!(
                    "{author}{}[R/OL]. {year}: {citation}[{access}]. {url}.",
                    meta.title
                ),
                None => format!("{author}{}[R]. {year}: {citation}.", meta.title),
            }
        }
        ReferenceStyle::Ris => {
            let mut lines = vec!["TY  - RPRT".to_string()];
            if let Some(issuer) = &meta.issuer {
                lines.push(format!("AU  - {issuer}"));
            }
            lines.push(format!("TI  - {}", meta.title));
            if let Some(year) = meta.year {
                lines.push(format!("PY  - {year}"));
            }
            if let Some(url) = &meta.url {
                lines.push(format!("UR  - {url}"));
                lines.push(format!("Y2  - {access}"));
            }
            lines.push(format!("N1  - {citation} {}", cited.passage.section));
            lines.push("ER  - ".to_string());
            lines.join("\r\n") + "\r\n"
        }
        ReferenceStyle::CslJson => {
            let mut item = json!({
                "id": citation,
                "type": "report",
                "title": meta.title,
                "locator": citation,
                "note": cited.passage.section,
            });
            if let Some(issuer) = &meta.issuer {
                item["author"] = json!([{ "literal": issuer }]);
                item["publisher"] = json!(issuer);
            }
            if let Some(year) = meta.year {
                item["issued"] = json!({ "date-parts": [[year]] });
            }
            if let Some(url) = &meta.url {
                item["URL"] = json!(url);
                item["accessed"] =
                    json!({ "date-parts": [[accessed.year, accessed.month, accessed.day]] });
            }
            serde_json::to_string_pretty(&json!([item])).unwrap_or_default() + "\n"
        }
    }
}

impl super::engine::Engine {
    /// The reference of the report behind `citation` in `style`, accessed today.
    pub fn reference(&self, citation: &str, style: ReferenceStyle) -> crate::Result<String> {
        self.reference_of(&self.get(citation)?, style)
    }

    /// The reference of the report behind `cited`, already read, in `style`, accessed today.
    pub fn reference_of(&self, cited: &CitedText, style: ReferenceStyle) -> crate::Result<String> {
        let document = self
            .catalog()
            .document_by_id(&cited.passage.doc)?
            .ok_or_else(|| crate::Error::UnknownCitation(cited.passage.citation.clone()))?;
        Ok(reference(cited, &document.meta, style, Date::today()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::passages::{CitedKind, Passage};
    use std::path::PathBuf;

    fn cited() -> CitedText {
        CitedText {
            kind: CitedKind::Passage,
            passage: Passage {
                citation: "2024-国务院:3.1".to_string(),
                doc: "2024-国务院".to_string(),
                title: "政府工作报告".to_string(),
                year: Some(2024),
                section: "三、2024年政府工作任务".to_string(),
                section_path: vec![],
                text: String::new(),
            },
            passages: vec![],
            previous: None,
            next: None,
        }
    }

    fn meta(url: Option<&str>) -> DocumentMeta {
        DocumentMeta {
            id: "2024-国务院".to_string(),
            title: "政府工作报告".to_string(),
            issuer: Some("国务院".to_string()),
            year: Some(2024),
            source: PathBuf::from("2024-国务院-政府工作报告.txt"),
            url: url.map(str::to_string),
        }
    }

    const DAY: Date = Date {
        year: 2026,
        month: 12,
        day: 4,
    };

    #[test]
    fn gbt7714_is_r_or_r_ol_with_the_locator() {
        assert_eq!(
            reference(&cited(), &meta(None), ReferenceStyle::Gbt7714, DAY),
            "国务院. 政府工作报告[R]. 2024: 2024-国务院:3.1."
        );
        assert_eq!(
            reference(&cited(), &meta(Some("https://www.gov.cn/a.htm")), ReferenceStyle::Gbt7714, DAY),
            "国务院. 政府工作报告[R/OL]. 2024: 2024-国务院:3.1[2026-12-04]. https://www.gov.cn/a.htm."
        );
    }

    #[test]
    fn ris_and_csl_json_carry_the_same_fields() {
        let ris = reference(
            &cited(),
            &meta(Some("https://x.cn")),
            ReferenceStyle::Ris,
            DAY,
        );
        for line in [
            "TY  - RPRT",
            "AU  - 国务院",
            "TI  - 政府工作报告",
            "PY  - 2024",
            "UR  - https://x.cn",
            "Y2  - 2026-12-04",
            "ER  - ",
        ] {
            assert!(ris.contains(line), "{line}: {ris}");
        }
        let csl: serde_json::Value = serde_json::from_str(&reference(
            &cited(),
            &meta(None),
            ReferenceStyle::CslJson,
            DAY,
        ))
        .unwrap();
        assert_eq!(csl[0]["type"], "report");
        assert_eq!(csl[0]["author"][0]["literal"], "国务院");
        assert_eq!(csl[0]["issued"]["date-parts"][0][0], 2024);
        assert_eq!(csl[0]["locator"], "2024-国务院:3.1");
        assert!(csl[0].get("URL").is_none());
    }

    #[test]
    fn days_become_civil_dates() {
        assert_eq!(
            Date::from_days(0),
            Date {
                year: 1970,
                month: 1,
                day: 1
            }
        );
        assert_eq!(Date::from_days(20_791), DAY);
        assert_eq!(
            Date::from_days(11_016),
            Date {
                year: 2000,
                month: 2,
                day: 29
            }
        );
    }
}
