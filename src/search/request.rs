//! What a search asks for, checked when it is made: a query that parses, filters, and a page
//! within [`MAX_LIMIT`] and [`MAX_RESULT_WINDOW`]. The CLI and the HTTP layer build these from
//! their raw arguments before they open an index, so bad input fails before any work.

use super::filters::Filters;
use super::query::{parse_query, ParsedQuery};
use crate::error::{Error, Result};

/// Most hits one request may ask for.
pub const MAX_LIMIT: usize = 100;
/// Hits a request gets when it does not say.
pub const DEFAULT_LIMIT: usize = 10;
/// Deepest hit a request may reach (offset + limit), like Elasticsearch's `max_result_window`:
/// the first phase holds that many candidates, so the bound is what keeps a deep page cheap.
pub const MAX_RESULT_WINDOW: usize = 10_000;

/// Which ranked hits to return: checked when made, so that every request the engine sees is
/// within [`MAX_LIMIT`] and [`MAX_RESULT_WINDOW`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    limit: usize,
    offset: usize,
}

impl Page {
    /// `limit` hits after the first `offset`, within [`MAX_LIMIT`] and [`MAX_RESULT_WINDOW`];
    /// an error names the bound that is passed.
    pub fn new(limit: usize, offset: usize) -> Result<Page> {
        Page::bounded(limit, offset, MAX_LIMIT, MAX_RESULT_WINDOW)
    }

    /// `limit` items after the first `offset`, at most `most` at once and `window` deep.
    pub fn bounded(limit: usize, offset: usize, most: usize, window: usize) -> Result<Page> {
        if limit > most {
            return Err(Error::BadArgument(format!(
                "limit {limit} is too large; at most {most} are returned at once (use --offset to page)"
            )));
        }
        match offset.checked_add(limit) {
            Some(end) if end <= window => Ok(Page { limit, offset }),
            _ => Err(Error::BadArgument(format!(
                "offset {offset} is too deep: offset + limit may be at most {window}; \
                 narrow the search with filters instead"
            ))),
        }
    }

    /// Hits to return.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Hits to skip.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Ranked hits needed to answer the page: offset + limit, at most [`MAX_RESULT_WINDOW`].
    pub fn end(&self) -> usize {
        self.offset + self.limit
    }
}

impl Default for Page {
    fn default() -> Page {
        Page {
            limit: DEFAULT_LIMIT,
            offset: 0,
        }
    }
}

/// What to search for, and where: a query that parsed, filters and a page within bounds. Made
/// by [`SearchRequest::new`] before any index is opened, so that bad input fails before work.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    query: String,
    parsed: ParsedQuery,
    pub filters: Filters,
    pub page: Page,
    /// Count the matches by year, issuer and section too (true unless the output leaves the
    /// facets out): they need each match's document, the total alone does not.
    pub facets: bool,
}

impl SearchRequest {
    /// Parses `query`; an error says what is wrong with it.
    pub fn new(query: impl Into<String>, filters: Filters, page: Page) -> Result<SearchRequest> {
        let query = query.into();
        Ok(SearchRequest {
            parsed: parse_query(&query)?,
            query,
            filters,
            page,
            facets: true,
        })
    }

    /// The query as typed.
    pub fn query(&self) -> &str {
        &self.query
    }

    /// The query parsed.
    pub fn parsed(&self) -> &ParsedQuery {
        &self.parsed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_stays_within_the_limit_and_the_result_window() {
        assert!(Page::new(MAX_LIMIT, MAX_RESULT_WINDOW - MAX_LIMIT).is_ok());
        assert!(Page::new(0, MAX_RESULT_WINDOW).is_ok());
        assert!(Page::new(MAX_LIMIT + 1, 0).is_err());
        assert!(Page::new(10, MAX_RESULT_WINDOW - 9).is_err());
        // offset + limit overflows: refused, not wrapped.
        assert!(Page::new(10, usize::MAX - 5).is_err());
    }
}
