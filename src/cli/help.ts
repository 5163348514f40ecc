/** The `--help` text of the program and of each command. */
import { MAX_K } from '../ranking/defaults.js'

/**
 * From this many articles `batch` uses worker threads by default: below it, loading the
 * snapshot into each thread costs more than the threads save.
 */
export const PARALLEL_BATCH_ARTICLES = 20_000

export const PROGRAM_HELP = `related-articles: related-story lists for a news archive, offline.

Usage: related-articles <command> [options]

Commands:
  batch <articles.jsonl>                 every article's related list, to standard output
  index <articles.jsonl> -o <snapshot>   build an index once and save it as a snapshot
  related <id> --index <snapshot>        one article's related stories, as a table or JSON
  related --draft <file> --index <snap>  the same for an unsaved draft (- for standard input)
  eval --qrels <file> --run <file>       score a TREC run: nDCG@k, MAP, P@k, R@k, MRR

Run "related-articles <command> --help" for a command's options.
Articles are JSON Lines: one {"id", "title", "body", "publishedAt"?, "tags"?, "section"?,
"source"?, "url"?, "entities"?, "embedding"?} object per line; other fields are ignored.
Exit codes: 0 success, 1 unexpected failure, 2 bad options or input.
`

export const COMMAND_HELP: Record<string, string> = {
  batch: `Usage: related-articles batch <articles.jsonl> [options]

Indexes the articles and writes every article's related list (or those of --queries) to
standard output. Nothing is written until every line has been read and validated.

Options:
  --k <n>              results per article, 1 to ${MAX_K} (default 10)
  --format <format>    jsonl (default): one {"id", "related": [{id, score, signals, reasons}]}
                       line per article; trec: "qid Q0 docid rank score tag" lines for trec_eval
  --run-tag <name>     the tag column of --format trec (default related-articles)
  --queries <ids.txt>  only these articles, one id per line, in this order
  --config <file>      JSON object of index options ({"weights": {"time": 0}, "titleWeight": 3})
                       and query options (k, minScore, diversity, pastOnly, sections, …)
  --skip-invalid       skip invalid lines (reported on standard error) instead of stopping
  --threads <n>        worker threads analysing articles and computing the lists, 1 to 64 (default: 1 below
                       20,000 articles, else the cores Node may use, at most 4); same output
  -q, --quiet          no progress bar
  -h, --help           this help

<articles.jsonl> may be - for standard input.
`,
  index: `Usage: related-articles index <articles.jsonl> -o <snapshot> [options]

Indexes the articles and writes a snapshot that "related" (or RelatedIndex.deserialize) loads
without analysing anything again. The snapshot is written to a temporary file, flushed to disk
and renamed, so a failure never leaves a half-written snapshot; a temporary file left by a killed
run is removed by the next. On success one line on standard error says what was indexed and
skipped (not with --quiet).

Options:
  -o, --output <file>  where to write the snapshot (required)
  --config <file>      JSON object of index options
  --skip-invalid       skip invalid lines (reported on standard error) instead of stopping
  --threads <n>        worker threads analysing the articles, 1 to 64 (default: 1 below
                       20,000 articles, else the cores Node may use, at most 4); same snapshot
  -q, --quiet          no progress bar
  -h, --help           this help
`,
  related: `Usage: related-articles related <id> --index <snapshot> [options]
       related-articles related --draft <file> --index <snapshot> [options]

Prints the stories related to a stored article, or to an unsaved draft: rank, score, title and
why.

Options:
  --index <snapshot>   a snapshot written by "related-articles index" (required)
  --draft <file>       a draft instead of a stored id: a JSON object {"title", "body",
                       "publishedAt"?, "tags"?, …} or plain text (first line the title, the
                       rest the body); - reads standard input
  --k <n>              number of results, 1 to ${MAX_K} (default 5)
  --min-score <x>      drop results scoring below x (0 to 1)
  --config <file>      JSON object of query options (minScore, pastOnly, now, sections,
                       diversity, weights, …); index options are fixed by the snapshot
  --json               the results as JSON (id, score, signals, reasons) instead of a table
  -h, --help           this help
`,
  eval: `Usage: related-articles eval --qrels <file> --run <file> [options]

Scores a run against relevance judgments, as trec_eval does: nDCG@k, P@k and R@k for each
cutoff, MAP and MRR, averaged over the queries of the qrels.

Options:
  --qrels <file>                TREC qrels ("qid 0 docid rel") or TSV with the header
                                query_id<TAB>doc_id<TAB>relevance (detected)
  --run <file>                  TREC run ("qid Q0 docid rank score tag"), e.g. from batch --format trec
  --cutoffs <list>              comma-separated k values (default 5,10)
  --relevance-threshold <n>     lowest grade that counts as relevant for MAP, P, R, MRR
                                (default 2; use 1 for binary qrels)
  --json                        the figures as JSON
  -h, --help                    this help
`,
}
