//! The search engine: one opened index, answering searches, citations and outline questions for
//! the CLI and the HTTP front end alike.
//!
//! A term matches where it occurs verbatim after normalisation: one character through the unigram
//! field, longer terms as a phrase of consecutive bigrams. That match decides *whether* a passage is
//! a hit. *How high* it ranks is BM25 over that match, plus boosts for a match in a heading, for
//! jieba words of the query that are words of the passage, and for the query's terms standing
//! together as one phrase. A single term that occurs nowhere verbatim falls back to its jieba
//! dictionary words, all required; the result says which interpretation ran.

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;
use std::cmp::Reverse;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{
    DocAddress, DocId, Index, IndexReader, ReloadPolicy, Score, Searcher, SegmentReader,
    TantivyDocument, Term,
};

use super::filters::{filter_query, select_documents, Filters};
use super::query::{parse_query, ParsedQuery, QueryTerm};
use super::snippet::make_snippet;
use crate::analysis::segment::dictionary_words;
use crate::error::{Error, Result};
use crate::indexer::{self, Catalog, CatalogDocument, Fields, ORDINAL_FIELD};

/// Most hits one request may ask for.
pub const MAX_LIMIT: usize = 100;

/// Weight of a match in a heading against one in the passage text.
const HEADING_BOOST: f32 = 0.5;
/// Weight of each query word that jieba also cut out of the passage.
const WORD_BOOST: f32 = 0.5;
/// Longest word looked up for ranking; jieba's dictionary words are shorter.
const MAX_WORD_CHARS: usize = 8;
/// Weight of all query terms standing together as one phrase.
const PHRASE_BOOST: f32 = 2.0;

/// What to search for, and where.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub query: String,
    pub filters: Filters,
    pub limit: usize,
    pub offset: usize,
}

/// How the query was understood.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Interpretation {
    /// `verbatim`: the terms as typed; `words`: the term occurs nowhere verbatim, so its jieba
    /// dictionary words are required instead.
    pub mode: &'static str,
    /// Required clauses; each lists its alternatives (normalised).
    pub required: Vec<Vec<String>>,
    pub excluded: Vec<String>,
    /// Words that add to the score where jieba also cut them from a passage.
    pub ranking_words: Vec<String>,
    /// The interpretation in one sentence.
    pub description: String,
}

/// One ranked passage.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub citation: String,
    pub doc: String,
    pub title: String,
    pub year: Option<u32>,
    /// The heading path as one string (`(二)纵深推进… > …`).
    pub section: String,
    pub section_path: Vec<String>,
    pub score: f32,
    /// The whole passage, exactly as in the source.
    pub text: String,
    /// A window of the passage: matches in `<mark>…</mark>`, the rest HTML-escaped.
    pub snippet: String,
    /// The same window for terminals.
    #[serde(skip)]
    pub snippet_parts: super::snippet::Snippet,
}

/// The answer to a [`SearchRequest`].
#[derive(Debug, Clone, Serialize)]
pub struct SearchResults {
    pub query: String,
    pub interpretation: Interpretation,
    pub total: usize,
    pub took_ms: f64,
    pub hits: Vec<Hit>,
}

/// Size of the index.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub documents: usize,
    pub passages: usize,
    pub sections: usize,
    pub index_bytes: u64,
    pub generation: PathBuf,
}

/// The outcome of ranking: how the query was understood, the total and one page of addresses.
struct Ranked {
    /// `verbatim` or `words` (see [`Interpretation::mode`]).
    mode: &'static str,
    parsed: ParsedQuery,
    effective: ParsedQuery,
    words: Vec<String>,
    total: usize,
    top: Vec<(f32, DocAddress)>,
}

/// An opened index.
pub struct Engine {
    pub(super) reader: IndexReader,
    pub(super) fields: Fields,
    pub(super) catalog: Catalog,
    pub(super) generation: PathBuf,
}

impl Engine {
    /// Opens the current index under `root`.
    pub fn open(root: &Path) -> Result<Engine> {
        let (index, fields, catalog) = indexer::open_index(root)?;
        Engine::from_index(index, fields, catalog, root)
    }

    fn from_index(index: Index, fields: Fields, catalog: Catalog, root: &Path) -> Result<Engine> {
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e: tantivy::TantivyError| Error::BadIndex {
                path: root.to_path_buf(),
                reason: e.to_string(),
            })?;
        let generation = indexer::current_generation(root).unwrap_or_else(|| root.to_path_buf());
        Ok(Engine {
            reader,
            fields,
            catalog,
            generation,
        })
    }

    /// The index generation this engine reads.
    pub fn generation(&self) -> &Path {
        &self.generation
    }

    /// The documents and their outlines.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Runs a search: parse, filter, match, rank, page, snippets.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        let started = Instant::now();
        let searcher = self.reader.searcher();
        let ranked = self.rank_with(&searcher, request)?;
        let terms: Vec<&str> = ranked
            .effective
            .matching_terms()
            .map(|t| t.text.as_str())
            .collect();
        let hits = ranked
            .top
            .iter()
            .map(|&(score, address)| self.hit(&searcher, address, score, &terms))
            .collect::<Result<Vec<Hit>>>()?;
        Ok(SearchResults {
            query: request.query.clone(),
            interpretation: describe(ranked.mode, &ranked.parsed, &ranked.effective, ranked.words),
            total: ranked.total,
            took_ms: (started.elapsed().as_secs_f64() * 1e6).round() / 1000.0,
            hits,
        })
    }

    /// The ranking step of [`Engine::search`] alone: how many passages match and the addresses
    /// of the requested page, without reading stored passages or making snippets.
    pub fn rank(&self, request: &SearchRequest) -> Result<(usize, Vec<(f32, DocAddress)>)> {
        let ranked = self.rank_with(&self.reader.searcher(), request)?;
        Ok((ranked.total, ranked.top))
    }

    fn rank_with(&self, searcher: &Searcher, request: &SearchRequest) -> Result<Ranked> {
        if request.limit > MAX_LIMIT {
            return Err(Error::BadArgument(format!(
                "limit {} is too large; at most {MAX_LIMIT} hits are returned at once (use --offset to page)",
                request.limit
            )));
        }
        let parsed = parse_query(&request.query)?;
        let filter = filter_query(&self.fields, &self.catalog, &request.filters)?;
        let mut mode = "verbatim";
        let mut effective = parsed.clone();
        let mut words = self.ranking_words(searcher, &effective)?;
        let (mut total, mut top) =
            self.run(searcher, &effective, &words, filter.as_deref(), request)?;
        if total == 0 {
            if let Some(term) = parsed.single_bare_term() {
                let dictionary = dictionary_words(&term.text);
                if dictionary.len() > 1 {
                    effective = ParsedQuery {
                        required: dictionary
                            .into_iter()
                            .map(|text| {
                                vec![QueryTerm {
                                    text,
                                    phrase: false,
                                }]
                            })
                            .collect(),
                        excluded: Vec::new(),
                    };
                    mode = "words";
                    words = self.ranking_words(searcher, &effective)?;
                    (total, top) =
                        self.run(searcher, &effective, &words, filter.as_deref(), request)?;
                }
            }
        }
        Ok(Ranked {
            mode,
            parsed,
            effective,
            words,
            total,
            top,
        })
    }

    /// Counts and ranks the passages matching `parsed` within `filter`.
    fn run(
        &self,
        searcher: &Searcher,
        parsed: &ParsedQuery,
        words: &[String],
        filter: Option<&dyn Query>,
        request: &SearchRequest,
    ) -> Result<(usize, Vec<(f32, DocAddress)>)> {
        let query = self.ranked_query(parsed, words, filter);
        // Equal scores keep document order, whatever segment a passage landed in: the sort key is
        // (score, earliest ordinal first). Counting visits every match anyway, so reading the
        // ordinal column costs little.
        let top_docs = TopDocs::with_limit(request.limit.max(1))
            .and_offset(request.offset)
            .tweak_score(|segment: &SegmentReader| {
                let ordinals = segment
                    .fast_fields()
                    .u64(ORDINAL_FIELD)
                    .ok()
                    .map(|c| c.first_or_default_col(0));
                move |doc: DocId, score: Score| {
                    (
                        score,
                        Reverse(ordinals.as_ref().map_or(0, |c| c.get_val(doc))),
                    )
                }
            });
        let (top, total) = searcher.search(&query, &(top_docs, Count))?;
        let top = match request.limit {
            0 => Vec::new(),
            _ => top
                .into_iter()
                .map(|((score, _), address)| (score, address))
                .collect(),
        };
        Ok((total, top))
    }

    /// The full query: required terms, exclusions, filter, and the ranking boosts.
    fn ranked_query(
        &self,
        parsed: &ParsedQuery,
        words: &[String],
        filter: Option<&dyn Query>,
    ) -> BooleanQuery {
        let f = &self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for alternatives in &parsed.required {
            let any: Vec<(Occur, Box<dyn Query>)> = alternatives
                .iter()
                .map(|term| (Occur::Should, self.occurs_in_passage(&term.text)))
                .collect();
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        for word in words {
            let word_query = TermQuery::new(
                Term::from_field_text(f.body_words, word),
                IndexRecordOption::WithFreqs,
            );
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(word_query), WORD_BOOST)),
            ));
        }
        if parsed.required.len() > 1 && parsed.required.iter().all(|a| a.len() == 1) {
            let joined: String = parsed.required.iter().map(|a| a[0].text.as_str()).collect();
            let phrase = occurs(&joined, f.body_unigrams, f.body_bigrams);
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(phrase, PHRASE_BOOST)),
            ));
        }
        for term in &parsed.excluded {
            clauses.push((Occur::MustNot, self.occurs_in_passage(&term.text)));
        }
        if let Some(filter) = filter {
            clauses.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(filter.box_clone(), 0.0)),
            ));
        }
        BooleanQuery::new(clauses)
    }

    /// Matches passages whose text or heading contains `term` verbatim.
    fn occurs_in_passage(&self, term: &str) -> Box<dyn Query> {
        let f = &self.fields;
        Box::new(BooleanQuery::new(vec![
            (Occur::Should, occurs(term, f.body_unigrams, f.body_bigrams)),
            (
                Occur::Should,
                Box::new(BoostQuery::new(
                    occurs(term, f.heading_unigrams, f.heading_bigrams),
                    HEADING_BOOST,
                )),
            ),
        ]))
    }

    /// The documents that `filters` select (all of them without document filters).
    pub fn documents(&self, filters: &Filters) -> Result<Vec<&CatalogDocument>> {
        select_documents(&self.catalog, filters)
    }

    /// Builds a hit from a stored passage.
    fn hit(
        &self,
        searcher: &Searcher,
        address: DocAddress,
        score: f32,
        terms: &[&str],
    ) -> Result<Hit> {
        let stored: TantivyDocument = searcher.doc(address)?;
        let passage = self.stored_passage(&stored);
        let snippet_parts = make_snippet(&passage.text, terms.iter().copied());
        Ok(Hit {
            citation: passage.citation,
            doc: passage.doc,
            title: passage.title,
            year: passage.year,
            section: passage.section,
            section_path: passage.section_path,
            score,
            text: passage.text,
            snippet: snippet_parts.to_html(),
            snippet_parts,
        })
    }

    /// The words that rank the matching terms of `parsed`: each term cut by the index's own jieba
    /// vocabulary (the words jieba cut from the indexed passages), longest word first from the
    /// left, as a dictionary segmenter would. Every word that can score is a word of that
    /// vocabulary, and the cut needs no dictionary load at query time. A one-character term ranks
    /// by itself.
    fn ranking_words(&self, searcher: &Searcher, parsed: &ParsedQuery) -> Result<Vec<String>> {
        let in_vocabulary = |word: &str| -> Result<bool> {
            Ok(searcher.doc_freq(&Term::from_field_text(self.fields.body_words, word))? > 0)
        };
        let mut words: Vec<String> = Vec::new();
        for term in parsed.matching_terms() {
            let chars: Vec<char> = term.text.chars().collect();
            if chars.len() == 1 {
                if in_vocabulary(&term.text)? && !words.contains(&term.text) {
                    words.push(term.text.clone());
                }
                continue;
            }
            let mut start = 0;
            while start + 1 < chars.len() {
                let longest = (2..=(chars.len() - start).min(MAX_WORD_CHARS))
                    .rev()
                    .map(|len| chars[start..start + len].iter().collect::<String>())
                    .find_map(|word| match in_vocabulary(&word) {
                        Ok(true) => Some(Ok(word)),
                        Ok(false) => None,
                        Err(error) => Some(Err(error)),
                    })
                    .transpose()?;
                match longest {
                    Some(word) => {
                        start += word.chars().count();
                        if !words.contains(&word) {
                            words.push(word);
                        }
                    }
                    None => start += 1,
                }
            }
        }
        Ok(words)
    }

    /// Documents, passages and the size of the index on disk.
    pub fn stats(&self) -> Stats {
        Stats {
            documents: self.catalog.documents().len(),
            passages: self.catalog.passage_count(),
            sections: self
                .catalog
                .documents()
                .iter()
                .map(|d| d.sections.len())
                .sum(),
            index_bytes: indexer::directory_size(&self.generation),
            generation: self.generation.clone(),
        }
    }
}

/// Matches `term` verbatim: one character by the unigram field, two by one bigram, longer terms as
/// the phrase of their consecutive bigrams.
fn occurs(term: &str, unigrams: Field, bigrams: Field) -> Box<dyn Query> {
    let chars: Vec<char> = term.chars().collect();
    if chars.len() == 1 {
        return Box::new(TermQuery::new(
            Term::from_field_text(unigrams, term),
            IndexRecordOption::WithFreqs,
        ));
    }
    let grams: Vec<Term> = chars
        .windows(2)
        .map(|pair| Term::from_field_text(bigrams, &pair.iter().collect::<String>()))
        .collect();
    if grams.len() == 1 {
        return Box::new(TermQuery::new(
            grams[0].clone(),
            IndexRecordOption::WithFreqs,
        ));
    }
    Box::new(PhraseQuery::new(grams))
}

fn describe(
    mode: &'static str,
    parsed: &ParsedQuery,
    effective: &ParsedQuery,
    ranking_words: Vec<String>,
) -> Interpretation {
    let required: Vec<Vec<String>> = effective
        .required
        .iter()
        .map(|a| a.iter().map(|t| t.text.clone()).collect())
        .collect();
    let excluded: Vec<String> = effective.excluded.iter().map(|t| t.text.clone()).collect();
    let clauses: Vec<String> = required.iter().map(|a| a.join(" OR ")).collect();
    let mut description = match mode {
        "words" => format!(
            "{} occurs nowhere verbatim; searching for all of its words: {}",
            parsed.required[0][0].text,
            clauses.join(", ")
        ),
        _ => format!("passages containing all of: {}", clauses.join(", ")),
    };
    if !excluded.is_empty() {
        description.push_str(&format!("; none of: {}", excluded.join(", ")));
    }
    Interpretation {
        mode,
        required,
        excluded,
        ranking_words,
        description,
    }
}
