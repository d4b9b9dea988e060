// Lint every cypher/*.cypher with Neo4j's own Cypher language support (the editor's linter).
//
// The schema handed to the linter is graphsvc's: its labels, relationship types (with their
// directions), property keys and query parameters, plus the functions and procedures of the
// package's mock Neo4j schema (which includes GDS), so an unknown procedure, a misspelt
// property, a reversed relationship or a deprecated construct is reported. Errors and warnings
// (deprecations included) fail the run; information and hints are listed only.
//
// The linter catches crashes of its own semantic analysis and then reports nothing, so known-bad
// canary queries run first and the run fails unless each of them is reported.
//
// Usage: node lint.mjs [cypher-dir]     (default: ../../cypher)

import {
  lintCypherQuery,
  parseStatementsStrs,
  testData,
} from '@neo4j-cypher/language-support';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const cypherDir = process.argv[2] ?? join(here, '..', '..', 'cypher');

const SEVERITY = { 1: 'error', 2: 'warning', 3: 'info', 4: 'hint' };
const FAILING = new Set([1, 2]);

// graphsvc's graph model (graphsvc/store/neo4j.py documents it).
const graphSchema = [
  { from: 'Author', relType: 'AUTHORED', to: 'Paper' },
  { from: 'Author', relType: 'COAUTHOR', to: 'Author' },
  { from: 'Author', relType: 'HAS_ID', to: 'AuthorId' },
  { from: 'Paper', relType: 'HAS_ID', to: 'PaperId' },
  { from: 'Author', relType: 'HAS_VARIANT', to: 'Variant' },
  { from: 'Author', relType: 'HAS_EVIDENCE', to: 'Evidence' },
  { from: 'Author', relType: 'POSSIBLE_DUPLICATE', to: 'Author' },
  { from: 'IngestRun', relType: 'SKIPPED', to: 'Skipped' },
];
const labels = ['Author', 'AuthorId', 'Evidence', 'IngestRun', 'Meta', 'Override', 'Paper',
  'PaperId', 'Skipped', 'Variant'];
const relationshipTypes = [...new Set(graphSchema.map((g) => g.relType))];
const propertyKeys = [
  // Author
  'id', 'name', 'sort_name', 'key', 'papers', 'search',
  // Paper
  'title', 'title_key', 'year', 'venue', 'doi', 'n_authors', 'counted', 'sources',
  // AuthorId / PaperId
  'kind', 'value', 'author', 'paper',
  // Paper: a co-authorship tie from an edge list or GML (its weight), not a paper
  'tie',
  // Variant
  'source', 'spell', 'sig', 'initials_only', 'tokens', 'count',
  // AUTHORED
  'position', 'raw_name',
  // COAUTHOR
  'weight', 'cost', 'first_year', 'last_year',
  // Evidence, POSSIBLE_DUPLICATE
  'variant', 'rule', 'detail', 'reason', 'score',
  // IngestRun, Skipped
  'uid', 'started', 'finished', 'paths', 'status', 'report', 'run_id', 'seq', 'source_ref',
  'heartbeat',
  // Override (identity merges and splits)
  'subject', 'object', 'payload', 'who', 'when', 'why', 'active', 'undone_who', 'undone_when',
  'undone_why',
];
// Every parameter a statement may use, with a value of the type graphsvc sends.
const parameters = {
  author: 1, cap: 100, chunk: 10000, finished: '2025-01-01T00:00:00+00:00', frontier: [1], graph: 'g',
  homonym_prefix: 'liu|wei#', hops: [[1, 2]], id: 1, ids: [1], key: 'liu|wei', kind: 'orcid',
  hop: 1e-10, lease_ms: 60000, limit: 10, lucene: '+(ada)', max_paths: 1000, min_papers: 1, offset: 0, others: [2],
  pairs: [[1, 2]], paths: 'a.bib', probes: ['ada'], report: '{}', rows: [{}], run_id: 1,
  sig: 'lovelace|a', sigs: ['lovelace|a'], source: 1, spell: 'lovelace|ada', spells: ['lovelace|ada'], started: '2025-01-01T00:00:00+00:00', status: 'done',
  target: 2, title_key: 'graphs of science', uid: 'u', url: 'file:///authors.csv',
  value: 'v', windowed: false,
  with_homonyms: true, year: 2001, year_from: 1990, year_to: 2000,
  // identity overrides
  subject: 2, object: 1, payload: '{}', who: 'ada', when: '2025-01-01T00:00:00+00:00',
  why: 'same person',
  // one ingest batch (write_batch)
  old: [1], authors: [{}], papers: [{}], variants: [{}], counts: [[0, 1, true]],
  evidence: [[0, 1, 'Ada', 'rule', 'detail']], new_edges: [[0, 1, 1, 0.5, 2001, 2001]],
  edges: [[0, 1, 1, 0.5, 2001, 2001]],
};

const mock = testData.mockSchema;
const dbSchema = {
  functions: mock.functions,
  procedures: mock.procedures,
  labels,
  relationshipTypes,
  propertyKeys,
  parameters,
  graphSchema,
  defaultLanguage: 'CYPHER 5',
};

function lint(text) {
  return lintCypherQuery(text, dbSchema, { consoleCommandsEnabled: false }).diagnostics;
}

// Each canary must be reported with a failing severity, or the linter is not really linting.
const CANARIES = [
  ['syntax error', 'MATCH (a:Author RETURN a'],
  ['semantic analysis', 'MATCH (a:Author) RETURN b'],
  ['unknown procedure', 'CALL gds.noSuchProcedure() YIELD x RETURN x'],
  ['unknown function', 'MATCH (a:Author) RETURN noSuchFunction(a.id) AS x'],
  ['deprecated syntax', 'MATCH (a:Author) CALL { WITH a RETURN a.id AS x } RETURN x'],
  ['unknown property', 'MATCH (a:Author) RETURN a.no_such_property AS x'],
  ['unknown parameter', 'MATCH (a:Author {id: $no_such_parameter}) RETURN a'],
  ['reversed relationship', 'MATCH (p:Paper)-[:AUTHORED]->(a:Author) RETURN p, a'],
];

let broken = 0;
for (const [what, query] of CANARIES) {
  let diags;
  try {
    diags = lint(query);
  } catch (err) {
    diags = [];
    console.error(`canary "${what}": the linter threw: ${err}`);
  }
  if (!diags.some((d) => FAILING.has(d.severity))) {
    console.error(`canary "${what}" was not reported: the linter is not working (${query})`);
    broken += 1;
  }
}
if (broken) {
  process.exit(2);
}

const files = readdirSync(cypherDir).filter((f) => f.endsWith('.cypher')).sort();
if (files.length === 0) {
  console.error(`no .cypher files in ${cypherDir}`);
  process.exit(2);
}

const rows = [];
let failed = 0;
for (const file of files) {
  const text = readFileSync(join(cypherDir, file), 'utf8');
  const counts = { error: 0, warning: 0, info: 0, hint: 0 };
  const notes = [];
  let diags;
  try {
    diags = lint(text);
  } catch (err) {
    diags = [{ severity: 1, message: `linter crashed: ${err}`, range: { start: { line: 0 } } }];
  }
  const statements = parseStatementsStrs(text).filter((st) => st.replace(/;\s*$/, '').trim());
  if (statements.length !== 1) {
    diags.push({
      severity: 1,
      message: `${statements.length} statements: one statement per file`,
      range: { start: { line: 0 } },
    });
  }
  for (const d of diags) {
    const sev = SEVERITY[d.severity] ?? 'info';
    counts[sev] += 1;
    const msg = String(d.message).split('\n')[0];
    notes.push(`    ${file}:${(d.range?.start?.line ?? 0) + 1}: ${sev}: ${msg}`);
  }
  const bad = diags.some((d) => FAILING.has(d.severity));
  failed += bad ? 1 : 0;
  rows.push({ file, ...counts, result: bad ? 'FAIL' : 'ok', notes });
}

const width = Math.max(...rows.map((r) => r.file.length), 4);
const line = (f, e, w, i, r) =>
  `${f.padEnd(width)}  ${String(e).padStart(6)}  ${String(w).padStart(8)}  ${String(i).padStart(5)}  ${r}`;
console.log(line('file', 'errors', 'warnings', 'info', 'result'));
console.log('-'.repeat(width + 33));
for (const r of rows) {
  console.log(line(r.file, r.error, r.warning, r.info + r.hint, r.result));
  for (const n of r.notes) console.log(n);
}
console.log('-'.repeat(width + 33));
console.log(`${files.length} files, ${failed} failed; ${CANARIES.length} canaries reported`);
process.exit(failed ? 1 : 0);
