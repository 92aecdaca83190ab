//! The search engine: one opened index, answering searches, citations and outline questions for
//! the CLI and the HTTP front end alike.
//!
//! A term matches where it occurs verbatim after normalisation, in the passage text or in one of its
//! headings: one character as every gram that starts with it, longer terms as a phrase of
//! consecutive bigrams. That match decides *whether* a passage is a hit.
//!
//! *How high* it ranks is decided in two phases, as search engines rescore a window of top hits:
//! BM25 over the match picks the best [`RESCORE_WINDOW`] passages (`first_phase.rs`) while every
//! match is counted; then those passages gain a share of their score when the headings above them
//! name a query term that their text holds too, boosts for the query's jieba words that jieba also
//! cut from their text, and a boost for the query's terms standing together as one phrase. A
//! single term that occurs nowhere verbatim falls back to its jieba dictionary words, all
//! required; the result says which interpretation ran.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use serde::Serialize;
use tantivy::collector::{Collector, Count};
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, EnableScoring, Occur, PhraseQuery,
    Query, Scorer, TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{
    DocAddress, DocId, DocSet, IndexReader, ReloadPolicy, Searcher, SegmentOrdinal, SegmentReader,
    TantivyDocument, Term, TERMINATED,
};

use super::char_query::CharQuery;
use super::facets::{document_runs, DocumentRuns, Facets, PerDocument};
use super::filters::{
    filter_ranges, named_sections, passages_in, select_documents, select_outlines, Filters,
    SelectedPassages,
};
use super::first_phase::{ordinal_columns, Candidate, FirstPhase, OrdinalColumns};
use super::headings::{bigrams, text_start, TextOccurrences};
use super::passages::Passage;
use super::query::{ParsedQuery, QueryTerm};
use super::request::{Page, SearchRequest};
use super::snippet::make_snippet;
use crate::analysis::segment::dictionary_words;
use crate::error::{Error, Result};
use crate::indexer::{
    self, Catalog, CatalogDocument, DocumentOutline, Fields, OpenedIndex, TextCodec,
};

/// How much a passage gains, as a share of its first-phase score, when the headings above it and
/// its text both hold all the required terms.
const HEADING_BOOST: f32 = 0.5;
/// Passages of the first phase that the boosts re-rank, whatever page is asked for; later hits
/// keep their first-phase order.
const RESCORE_WINDOW: usize = 30;
/// Weight of each query word that jieba also cut from the passage.
const WORD_BOOST: f32 = 0.5;
/// Longest word looked up for ranking; jieba's dictionary words are shorter.
const MAX_WORD_CHARS: usize = 8;
/// A bigram of a phrase at most this many times as frequent as its rarest bigram is always
/// intersected (see [`phrase_cover`]).
const RARE_BIGRAM_FACTOR: u64 = 2;
/// Weight of all query terms standing together as one phrase.
const PHRASE_BOOST: f32 = 2.0;
/// Filters whose ordinal ranges an engine keeps (all are dropped when one more comes).
const FILTERS_KEPT: usize = 64;

/// Whether the terms matched as typed or through their words.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum MatchMode {
    /// The terms as typed, verbatim.
    Verbatim,
    /// The single term occurs nowhere verbatim, so its jieba dictionary words are required.
    Words,
}

/// How the query was understood.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Interpretation {
    pub mode: MatchMode,
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
    /// The passage with its citation and place in the report.
    #[serde(flatten)]
    pub passage: Passage,
    pub score: f32,
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
    /// All the matches by year, issuer and (in one report) top section; absent when the request
    /// did not ask for them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facets: Option<Facets>,
    /// Hits skipped before the first one shown.
    pub offset: usize,
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

/// The scores and addresses of a page of hits, best first.
type PageHits = Vec<(f32, DocAddress)>;

/// The passages a question matches and how it was understood: the step that every question over
/// passages shares, whether it ranks a page of them or counts them.
pub struct Matching {
    /// Matches the passages (BM25 of the terms; filters score nothing).
    pub query: Box<dyn Query>,
    pub interpretation: Interpretation,
    /// The query that matches: the parsed one, or the dictionary words of its term.
    effective: ParsedQuery,
}

impl Matching {
    /// The terms that match, normalised, for highlighting and counting.
    pub fn terms(&self) -> impl Iterator<Item = &str> {
        self.effective
            .matching_terms()
            .map(|term| term.text.as_str())
    }
}

/// An opened index.
pub struct Engine {
    pub(super) reader: IndexReader,
    pub(super) fields: Fields,
    pub(super) catalog: Catalog,
    pub(super) generation: PathBuf,
    /// The ordinal column of each segment: the reader never reloads, so its segments are fixed.
    pub(super) ordinals: OrdinalColumns,
    /// Decompresses the stored passage texts.
    pub(super) texts: TextCodec,
    /// Where each document's passages begin in each segment, made by
    /// [`Engine::prepare_for_many_queries`].
    document_runs: OnceLock<DocumentRuns>,
    /// The ordinal ranges of recent filters: a section filter over a large collection looks
    /// through every outline, and a user pages and refines under the same filter.
    filter_ranges: Mutex<HashMap<Filters, Arc<SelectedPassages>>>,
    /// Size of the generation on disk, measured once, when first asked for: a health check must
    /// not walk the directory, and a search does not need it.
    index_bytes: OnceLock<u64>,
}

impl Engine {
    /// Opens the current index under `root`.
    pub fn open(root: &Path) -> Result<Engine> {
        let OpenedIndex {
            index,
            fields,
            catalog,
            texts,
            generation,
        } = indexer::open_index(root)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e: tantivy::TantivyError| Error::bad_index(root, "tantivy reader", e))?;
        let ordinals = ordinal_columns(&reader.searcher())
            .map_err(|e| Error::bad_index(root, "ordinal column", e))?;
        Ok(Engine {
            reader,
            fields,
            catalog,
            index_bytes: OnceLock::new(),
            generation,
            ordinals,
            texts,
            document_runs: OnceLock::new(),
            filter_ranges: Mutex::new(HashMap::new()),
        })
    }

    /// Makes what pays over many queries and not in one: where each document's passages are in
    /// each segment, so that counting matches per document reads no ordinal (2 ms at ten times
    /// the corpus, more than most searches). The server calls it; a command does not.
    pub fn prepare_for_many_queries(&self) {
        self.document_runs
            .get_or_init(|| document_runs(&self.ordinals, &self.catalog));
    }

    /// The filter query for `filters`, if any (scored 0 by the caller), from the ranges of the
    /// last [`FILTERS_KEPT`] filters asked for.
    fn filter_query(&self, filters: &Filters) -> Result<Option<Box<dyn Query>>> {
        let kept = self
            .filter_ranges
            .lock()
            .map(|kept| kept.get(filters).cloned())
            .unwrap_or_default();
        let ranges = match kept {
            Some(ranges) => ranges,
            None => {
                let Some(ranges) = filter_ranges(&self.catalog, filters)? else {
                    return Ok(None);
                };
                let ranges = Arc::new(SelectedPassages::new(ranges));
                if let Ok(mut kept) = self.filter_ranges.lock() {
                    if kept.len() >= FILTERS_KEPT {
                        kept.clear();
                    }
                    kept.insert(filters.clone(), Arc::clone(&ranges));
                }
                ranges
            }
        };
        Ok(Some(Box::new(passages_in(ranges))))
    }

    /// The index generation this engine reads.
    pub fn generation(&self) -> &Path {
        &self.generation
    }

    /// The documents and their outlines.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// A searcher over the engine's generation: one per request.
    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// Runs a search: match, rank, page, snippets.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        let started = Instant::now();
        let searcher = self.reader.searcher();
        let matching = self.matching(&searcher, request.parsed(), &request.filters)?;
        let (total, facets, top) = if request.facets {
            let per_document = PerDocument {
                runs: self.document_runs.get().cloned(),
                ordinals: Arc::clone(&self.ordinals),
                starts: self.catalog.document_starts(),
            };
            let (per_document, top) =
                self.rank_matches(&searcher, &matching, request.page, per_document)?;
            let documents = select_documents(&self.catalog, &request.filters)?;
            let facets = self.facets(&searcher, &per_document, &documents, &*matching.query)?;
            (per_document.iter().sum(), Some(facets), top)
        } else {
            let (total, top) = self.rank_matches(&searcher, &matching, request.page, Count)?;
            (total, None, top)
        };
        let terms: Vec<&str> = matching.terms().collect();
        let hits = top
            .iter()
            .map(|&(score, address)| self.hit(&searcher, address, score, &terms))
            .collect::<Result<Vec<Hit>>>()?;
        Ok(SearchResults {
            query: request.query().to_string(),
            interpretation: matching.interpretation,
            total,
            facets,
            offset: request.page.offset(),
            took_ms: (started.elapsed().as_secs_f64() * 1e6).round() / 1000.0,
            hits,
        })
    }

    /// The ranking step of [`Engine::search`] alone: how many passages match and the addresses
    /// of the requested page, without reading stored passages or making snippets.
    pub fn rank(&self, request: &SearchRequest) -> Result<(usize, PageHits)> {
        let searcher = self.reader.searcher();
        let matching = self.matching(&searcher, request.parsed(), &request.filters)?;
        self.rank_matches(&searcher, &matching, request.page, Count)
    }

    /// The passages `parsed` matches within `filters`, and how it was understood. A single bare
    /// term that occurs nowhere verbatim (within the filters) falls back to its jieba dictionary
    /// words, all required.
    pub fn matching(
        &self,
        searcher: &Searcher,
        parsed: &ParsedQuery,
        filters: &Filters,
    ) -> Result<Matching> {
        let filter = self.filter_query(filters)?;
        let mut mode = MatchMode::Verbatim;
        let mut effective = parsed.clone();
        let mut query = self.matching_query(searcher, &effective, filter.as_deref())?;
        // One character is one dictionary word: only longer terms can fall back.
        if let Some(term) = parsed
            .single_bare_term()
            .filter(|term| term.text.chars().nth(1).is_some())
        {
            if !matches_any(searcher, &*query)? {
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
                    mode = MatchMode::Words;
                    query = self.matching_query(searcher, &effective, filter.as_deref())?;
                }
            }
        }
        let words = self.ranking_words(searcher, &effective)?;
        Ok(Matching {
            query,
            interpretation: describe(mode, parsed, &effective, words),
            effective,
        })
    }

    /// Counts and ranks the passages of `matching`: one pass over the matches counts them with
    /// `counter` (the total, or per document for the facets) and keeps the first phase's best,
    /// which [`Engine::rescore`] then re-ranks; returns the counts and the addresses of `page`.
    fn rank_matches<C: Collector>(
        &self,
        searcher: &Searcher,
        matching: &Matching,
        page: Page,
        counter: C,
    ) -> Result<(C::Fruit, PageHits)> {
        let weight = matching
            .query
            .weight(EnableScoring::enabled_from_searcher(searcher))?;
        let first_phase = FirstPhase {
            limit: page.end().max(RESCORE_WINDOW),
            ordinals: Arc::clone(&self.ordinals),
        };
        let (candidates, counts) = if counts_apart(&*matching.query) {
            (
                collect(searcher, &*weight, &first_phase)?,
                collect(searcher, &*weight, &counter)?,
            )
        } else {
            collect(searcher, &*weight, &(first_phase, counter))?
        };
        if page.limit() == 0 {
            return Ok((counts, Vec::new()));
        }
        let ranked = self.rescore(
            searcher,
            candidates,
            &matching.effective,
            &matching.interpretation.ranking_words,
        )?;
        Ok((
            counts,
            ranked
                .into_iter()
                .skip(page.offset())
                .take(page.limit())
                .collect(),
        ))
    }

    /// What decides whether a passage is a hit: every required term (or one of its alternatives)
    /// in the text or a heading, no excluded term, within the filter. Scored by BM25 of the terms.
    fn matching_query(
        &self,
        searcher: &Searcher,
        parsed: &ParsedQuery,
        filter: Option<&dyn Query>,
    ) -> Result<Box<dyn Query>> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for alternatives in &parsed.required {
            let query: Box<dyn Query> = match alternatives.as_slice() {
                [term] => self.occurs_in_passage(searcher, &term.text)?,
                _ => Box::new(BooleanQuery::new(
                    alternatives
                        .iter()
                        .map(|term| {
                            Ok((Occur::Should, self.occurs_in_passage(searcher, &term.text)?))
                        })
                        .collect::<Result<_>>()?,
                )),
            };
            clauses.push((Occur::Must, query));
        }
        for term in &parsed.excluded {
            clauses.push((
                Occur::MustNot,
                self.occurs_in_passage(searcher, &term.text)?,
            ));
        }
        if let Some(filter) = filter {
            clauses.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(filter.box_clone(), 0.0)),
            ));
        }
        Ok(match clauses.as_slice() {
            [(Occur::Must, only)] => only.box_clone(),
            _ => Box::new(BooleanQuery::new(clauses)),
        })
    }

    /// True if a passage (text or heading) of what `filters` selects contains `term` verbatim; a
    /// term that does not occur is not replaced by its words, as a search would.
    pub(super) fn occurs_verbatim(
        &self,
        searcher: &Searcher,
        term: &str,
        filters: &Filters,
    ) -> Result<bool> {
        matches_any(searcher, &*self.verbatim_query(searcher, term, filters)?)
    }

    /// How many passages (text or heading) of what `filters` selects contain `term` verbatim.
    pub(super) fn passages_holding(
        &self,
        searcher: &Searcher,
        term: &str,
        filters: &Filters,
    ) -> Result<u64> {
        let query = self.verbatim_query(searcher, term, filters)?;
        Ok(query.count(searcher)? as u64)
    }

    /// Matches the passages of what `filters` selects that contain `term` verbatim: the
    /// matching step of counting, which needs neither ranking words nor an interpretation.
    pub(super) fn verbatim_query(
        &self,
        searcher: &Searcher,
        term: &str,
        filters: &Filters,
    ) -> Result<Box<dyn Query>> {
        let filter = self.filter_query(filters)?;
        let parsed = ParsedQuery {
            required: vec![vec![QueryTerm {
                text: term.to_string(),
                phrase: true,
            }]],
            excluded: Vec::new(),
        };
        self.matching_query(searcher, &parsed, filter.as_deref())
    }

    /// Matches passages whose text or heading contains `term` verbatim: both are values of the
    /// grams field, so one posting list a gram answers.
    fn occurs_in_passage(&self, searcher: &Searcher, term: &str) -> Result<Box<dyn Query>> {
        occurs(searcher, term, self.fields.grams)
    }

    /// The second phase: adds the boosts to the first [`RESCORE_WINDOW`] of the first phase's
    /// candidates (score, ordinal, address, in its order) and sorts them, then the other
    /// candidates; equal scores in document order.
    fn rescore(
        &self,
        searcher: &Searcher,
        mut scored: Vec<Candidate>,
        parsed: &ParsedQuery,
        words: &[String],
    ) -> Result<Vec<(f32, DocAddress)>> {
        // Only the window is re-ranked, whatever page is asked for, so that pages never overlap;
        // boosts only add, so the window still ranks above the rest.
        let rest = scored.split_off(scored.len().min(RESCORE_WINDOW));
        // Postings and scorers only move forward: visit the candidates segment by segment, in doc
        // order.
        scored.sort_by_key(|(_, _, address)| *address);
        // Only terms of two characters or more can be named by a heading (see below).
        if parsed
            .matching_terms()
            .any(|term| term.text.chars().nth(1).is_some())
        {
            let mut occurrences = TextOccurrences::new(searcher, self.fields.grams);
            for (score, ordinal, address) in &mut scored {
                let share =
                    self.share_named_by_headings(&mut occurrences, *ordinal, *address, parsed)?;
                *score *= 1.0 + HEADING_BOOST * share;
            }
        }
        if let Some(boosts) = self.boost_query(searcher, parsed, words)? {
            let weight = boosts.weight(EnableScoring::enabled_from_searcher(searcher))?;
            let mut scorer: Option<(u32, Box<dyn Scorer>)> = None;
            for (score, _, address) in &mut scored {
                if scorer.as_ref().map(|(ord, _)| *ord) != Some(address.segment_ord) {
                    let segment = searcher.segment_reader(address.segment_ord);
                    scorer = Some((address.segment_ord, weight.scorer(segment, 1.0)?));
                }
                if let Some((_, boosts)) = scorer.as_mut() {
                    if boosts.doc() <= address.doc_id
                        && boosts.seek(address.doc_id) == address.doc_id
                    {
                        *score += boosts.score();
                    }
                }
            }
        }
        // The rest is in the first phase's order already.
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        Ok(scored
            .into_iter()
            .chain(rest)
            .map(|(score, _, address)| (score, address))
            .collect())
    }

    /// The share of the required terms of `parsed` that both the headings above the passage at
    /// `ordinal` (`address`) and its text hold. The first phase counts a heading as more text of
    /// the passage, which lets short passages that repeat a term outrank the section that is
    /// about it; a heading alone already counted there. Terms of one character are left out: a
    /// character inside a heading says little.
    fn share_named_by_headings<'a>(
        &self,
        occurrences: &mut TextOccurrences<'a>,
        ordinal: u64,
        address: DocAddress,
        parsed: &'a ParsedQuery,
    ) -> Result<f32> {
        let Some((position, passage)) = self.catalog.locate(ordinal) else {
            return Ok(0.0);
        };
        let document = self.catalog.document(position)?;
        let titles = document.normalized_titles();
        let path: Vec<&str> = document
            .heading_path(passage)
            .map(|section| titles[section].as_str())
            .collect();
        let mut start = None;
        let mut named = 0;
        for alternatives in &parsed.required {
            for term in alternatives.iter().map(|term| term.text.as_str()) {
                if term.chars().nth(1).is_some()
                    && path.iter().any(|title| title.contains(term))
                    && occurrences.in_text(
                        address,
                        term,
                        *start.get_or_insert_with(|| text_start(path.iter().copied())),
                    )?
                {
                    named += 1;
                    break;
                }
            }
        }
        Ok(named as f32 / parsed.required.len().max(1) as f32)
    }

    /// Where the text of passage `passage` of the document at `document` starts in its gram
    /// field: after the titles of its headings.
    pub(super) fn text_start(&self, document: usize, passage: usize) -> Result<u32> {
        let document = self.catalog.document(document)?;
        let titles = document.normalized_titles();
        Ok(text_start(
            document
                .heading_path(passage)
                .map(|section| titles[section].as_str()),
        ))
    }

    /// An I/O error reading `what` of this engine's generation.
    pub(super) fn read_error(&self, what: &str, cause: std::io::Error) -> Error {
        Error::io(
            format!("cannot read {what} in {}", self.generation.display()),
            cause,
        )
    }

    /// The boosts of the second phase: the query's words where jieba cut them from the text, and
    /// all required terms standing together as one phrase.
    fn boost_query(
        &self,
        searcher: &Searcher,
        parsed: &ParsedQuery,
        words: &[String],
    ) -> Result<Option<BooleanQuery>> {
        let f = &self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for word in words {
            let word_query = TermQuery::new(
                Term::from_field_text(f.words, word),
                IndexRecordOption::WithFreqs,
            );
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(word_query), WORD_BOOST)),
            ));
        }
        if parsed.required.len() > 1 && parsed.required.iter().all(|a| a.len() == 1) {
            let joined: String = parsed.required.iter().map(|a| a[0].text.as_str()).collect();
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(
                    self.occurs_in_passage(searcher, &joined)?,
                    PHRASE_BOOST,
                )),
            ));
        }
        Ok((!clauses.is_empty()).then(|| BooleanQuery::new(clauses)))
    }

    /// The documents that `filters` select (all of them without document filters).
    pub fn documents(&self, filters: &Filters) -> Result<Vec<&CatalogDocument>> {
        self.catalog
            .documents_at(&select_documents(&self.catalog, filters)?)
    }

    /// The outlines of the documents that `filters` select, cut to the sections a section
    /// filter names.
    pub fn outlines(&self, filters: &Filters) -> Result<Vec<DocumentOutline>> {
        select_outlines(&self.catalog, filters)
    }

    /// The documents that hold what `filters` select, without their outlines.
    pub fn document_summaries(&self, filters: &Filters) -> Result<Vec<DocumentOutline>> {
        let documents = self.documents(filters)?;
        let Some(spec) = &filters.section else {
            return Ok(documents
                .into_iter()
                .map(DocumentOutline::summary)
                .collect());
        };
        let named = named_sections(spec, &documents)?;
        Ok(documents
            .into_iter()
            .zip(named)
            .filter(|(_, named)| !named.is_empty())
            .map(|(document, _)| DocumentOutline::summary(document))
            .collect())
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
        let passage = self.stored_passage(&stored)?;
        let snippet_parts = make_snippet(&passage.text, terms.iter().copied());
        Ok(Hit {
            passage,
            score,
            snippet: snippet_parts.to_html(),
            snippet_parts,
        })
    }

    /// The words that rank the matching terms of `parsed`: each term cut by the index's own jieba
    /// vocabulary (the words jieba cut from the indexed passages), longest word first from the
    /// left, as a dictionary segmenter would. Every word that can score is a word of that
    /// vocabulary (of two characters or more), and the cut needs no dictionary load at query time.
    fn ranking_words(&self, searcher: &Searcher, parsed: &ParsedQuery) -> Result<Vec<String>> {
        let in_vocabulary = |word: &str| -> Result<bool> {
            Ok(searcher.doc_freq(&Term::from_field_text(self.fields.words, word))? > 0)
        };
        let mut words: Vec<String> = Vec::new();
        for term in parsed.matching_terms() {
            let chars: Vec<char> = term.text.chars().collect();
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
            documents: self.catalog.len(),
            passages: self.catalog.passage_count(),
            sections: self.catalog.section_count() as usize,
            index_bytes: *self
                .index_bytes
                .get_or_init(|| indexer::directory_size(&self.generation)),
            generation: self.generation.clone(),
        }
    }
}

/// Whether the first phase should count the matches of `query` in a pass of its own, so that
/// collecting the best passages may skip blocks of postings that cannot enter the window
/// (block-max WAND): for one gram, whose count is its document frequency, and for all-required
/// grams, whose count needs no scoring. Phrases and characters cannot skip, so for them one pass
/// both counts and collects.
fn counts_apart(query: &dyn Query) -> bool {
    let is_gram = |query: &dyn Query| query.is::<TermQuery>();
    is_gram(query)
        || query.downcast_ref::<BooleanQuery>().is_some_and(|boolean| {
            boolean
                .clauses()
                .iter()
                .all(|(occur, clause)| *occur == Occur::Must && is_gram(&**clause))
        })
}

/// Runs `collector` over every segment with one `weight`: tantivy's `Searcher::search` would make
/// the weight (and look up its terms' statistics) anew for each collector.
fn collect<C: Collector>(
    searcher: &Searcher,
    weight: &dyn Weight,
    collector: &C,
) -> Result<C::Fruit> {
    let fruits = searcher
        .segment_readers()
        .iter()
        .enumerate()
        .map(|(ord, segment)| collector.collect_segment(weight, ord as SegmentOrdinal, segment))
        .collect::<tantivy::Result<Vec<_>>>()?;
    Ok(collector.merge_fruits(fruits)?)
}

/// Matches `term` verbatim in a gram field: one character as every gram starting with it, two as
/// one bigram, longer terms as a phrase of bigrams at their offsets. A phrase needs only enough
/// bigrams to cover every character, so [`phrase_cover`] picks the fewest and rarest: a number such
/// as 13.9亿元 is then found through 13, 3., .9 and 亿元 without the frequent 9亿. No gram starts
/// with a punctuation mark, so a mark is covered by the bigram that ends with it; of two marks in
/// a row, only the first is checked. The query parser drops the marks a term starts with.
fn occurs(searcher: &Searcher, term: &str, grams: Field) -> Result<Box<dyn Query>> {
    let chars: Vec<char> = term.chars().collect();
    if let [character] = chars[..] {
        return Ok(Box::new(CharQuery::new(grams, character)));
    }
    let bigrams: Vec<(usize, Term)> = bigrams(grams, term)
        .into_iter()
        .map(|(offset, bigram)| (offset as usize, bigram))
        .collect();
    if let [(_, bigram)] = &bigrams[..] {
        return Ok(Box::new(TermQuery::new(
            bigram.clone(),
            IndexRecordOption::WithFreqs,
        )));
    }
    let mut candidates = Vec::with_capacity(bigrams.len());
    for (offset, bigram) in &bigrams {
        let doc_freq = searcher.doc_freq(bigram)?;
        if doc_freq == 0 {
            return Ok(Box::new(EmptyQuery));
        }
        candidates.push((*offset, doc_freq));
    }
    let cover = phrase_cover(&candidates)
        .into_iter()
        .map(|chosen| bigrams[chosen].clone())
        .collect();
    Ok(Box::new(PhraseQuery::new_with_offset(cover)))
}

/// Which of a phrase's bigrams (offset and document frequency, in order, at least two) a phrase
/// query intersects: the first and the last; every rare one (at most [`RARE_BIGRAM_FACTOR`] times
/// as frequent as the rarest), since each narrows the candidates whose positions must be checked;
/// and between them, at the least total document frequency, bigrams no more than two characters
/// apart, so that every character stays covered (a gap only where no bigram exists).
fn phrase_cover(bigrams: &[(usize, u64)]) -> Vec<usize> {
    let rarest = bigrams.iter().map(|&(_, df)| df).min().unwrap_or(0);
    let rare = |index: usize| bigrams[index].1 <= rarest.saturating_mul(RARE_BIGRAM_FACTOR);
    let cost = |index: usize| bigrams[index].1 + 1;
    // best[i]: the cheapest choice among bigrams 0..=i that ends with bigram i and covers every
    // character up to its end, with the bigram chosen before it.
    let mut best: Vec<(u64, Option<usize>)> = Vec::with_capacity(bigrams.len());
    for index in 0..bigrams.len() {
        let entry = match index {
            0 => (cost(0), None),
            _ => {
                let may_skip = index >= 2
                    && bigrams[index].0 - bigrams[index - 2].0 <= 2
                    && !rare(index - 1)
                    && best[index - 2].0 <= best[index - 1].0;
                let previous = if may_skip { index - 2 } else { index - 1 };
                (cost(index) + best[previous].0, Some(previous))
            }
        };
        best.push(entry);
    }
    let mut cover = vec![bigrams.len() - 1];
    while let Some(previous) = best[*cover.last().unwrap_or(&0)].1 {
        cover.push(previous);
    }
    cover.reverse();
    cover
}

/// Whether `query` matches any live passage: stops at the first.
fn matches_any(searcher: &Searcher, query: &dyn Query) -> Result<bool> {
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    for segment in searcher.segment_readers() {
        if live_matches(weight.scorer(segment, 1.0)?, segment)
            .next()
            .is_some()
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The documents `scorer` matches in `segment` that are not deleted, in doc order.
pub(super) fn live_matches(
    mut scorer: Box<dyn Scorer>,
    segment: &SegmentReader,
) -> impl Iterator<Item = DocId> + '_ {
    let alive = segment.alive_bitset();
    let mut doc = scorer.doc();
    std::iter::from_fn(move || loop {
        if doc == TERMINATED {
            return None;
        }
        let current = doc;
        doc = scorer.advance();
        if alive.is_none_or(|alive| alive.is_alive(current)) {
            return Some(current);
        }
    })
}

fn describe(
    mode: MatchMode,
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
        MatchMode::Words => format!(
            "{} occurs nowhere verbatim; searching for all of its words: {}",
            parsed.required[0][0].text,
            clauses.join(", ")
        ),
        MatchMode::Verbatim => format!("passages containing all of: {}", clauses.join(", ")),
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

#[cfg(test)]
mod tests {
    use super::phrase_cover;

    /// Bigrams at consecutive offsets with these document frequencies.
    fn consecutive(doc_freqs: &[u64]) -> Vec<(usize, u64)> {
        doc_freqs.iter().copied().enumerate().collect()
    }

    #[test]
    fn a_phrase_cover_keeps_both_ends_and_skips_at_most_one_bigram() {
        // 招商引资: 招商 商引 引资 → 招商 and 引资 cover every character; 商引 is kept only when it is
        // about as rare as they are.
        assert_eq!(phrase_cover(&consecutive(&[50, 400, 60])), vec![0, 2]);
        assert_eq!(phrase_cover(&consecutive(&[50, 40, 60])), vec![0, 1, 2]);
        // Three characters need both bigrams.
        assert_eq!(phrase_cover(&consecutive(&[5, 7])), vec![0, 1]);
    }

    #[test]
    fn a_phrase_cover_prefers_rare_bigrams() {
        // 13.9亿元: 13 3. .9 9亿 亿元; the rare 3. and .9 are both kept, the frequent 9亿 is not.
        let number = consecutive(&[900, 30, 20, 700, 5000]);
        assert_eq!(phrase_cover(&number), vec![0, 1, 2, 4]);
        let number = consecutive(&[900, 300, 20, 700, 5000]);
        assert_eq!(phrase_cover(&number), vec![0, 2, 4]);
        let rare_inside = consecutive(&[10, 1, 1000, 1, 10]);
        assert_eq!(phrase_cover(&rare_inside), vec![0, 1, 3, 4]);
        // 高质量发展 at ten times the corpus: 高质 质量 量发 发展. 质量 is more than twice as frequent
        // as 量发 and narrows nothing (the candidates hold the phrase anyway), while the positions
        // of every intersected bigram are read for each candidate.
        let frequent = consecutive(&[108_300, 176_640, 80_930, 515_960]);
        assert_eq!(phrase_cover(&frequent), vec![0, 2, 3]);
    }

    #[test]
    fn a_phrase_cover_never_skips_across_a_missing_bigram() {
        // 发展，改革: 发展 展， (，改 starts with a mark: no such gram) 改革 → all three are needed.
        assert_eq!(phrase_cover(&[(0, 100), (1, 900), (3, 80)]), vec![0, 1, 2]);
    }
}
