// Parses mermaid diagrams with mermaid's own parser and prints what it understood, as JSON.
//
// stdin: a JSON array of diagram texts. stdout: a JSON array with, for each diagram, either
// {"error": message} or {"vertices", "edges", "subgraphs"}, every text with mermaid's entity
// codes decoded back into characters. mermaid's sanitiser needs a DOM, so jsdom provides one
// before mermaid is imported.
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!DOCTYPE html><body></body>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');

// mermaid keeps "#34;" as "\ufb02\u00b0\u00b034\u00b6\u00df" until it renders.
const NAMED = { quot: '"', amp: '&', lt: '<', gt: '>', nbsp: '\u00a0' };
const decode = (text) =>
  String(text ?? '')
    .replace(/\ufb02\u00b0\u00b0(\d+)\u00b6\u00df/g, (_, code) => String.fromCodePoint(Number(code)))
    .replace(/\ufb02\u00b0(\w+)\u00b6\u00df/g, (_, name) => NAMED[name] ?? `&${name};`);

async function understand(text) {
  try {
    await mermaid.parse(text);
    const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
    const db = diagram.db;
    return {
      type: diagram.type,
      vertices: [...db.getVertices().values()].map((v) => ({
        id: v.id,
        text: decode(v.text),
        type: v.type ?? null,
        classes: v.classes ?? [],
      })),
      edges: db.getEdges().map((e) => ({
        start: e.start,
        end: e.end,
        type: e.type,
        stroke: e.stroke,
        text: decode(e.text),
      })),
      subgraphs: db.getSubGraphs().map((s) => ({
        id: s.id,
        title: decode(s.title),
        nodes: s.nodes,
      })),
    };
  } catch (error) {
    return { error: String(error?.message ?? error) };
  }
}

const texts = JSON.parse(readFileSync(0, 'utf8'));
const results = [];
for (const text of texts) {
  mermaid.mermaidAPI.reset?.();
  results.push(await understand(text));
}
process.stdout.write(JSON.stringify(results));
