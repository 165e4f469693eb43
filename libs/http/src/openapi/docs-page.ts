type Json = Record<string, unknown>;

const escape = (text: unknown) =>
  String(text).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const pretty = (schema: unknown) => `<pre>${escape(JSON.stringify(schema, null, 2))}</pre>`;

/**
 * A readable page of an OpenAPI document, rendered on the server from the document itself: no script,
 * no CDN, nothing to keep in step. Each operation with its parameters, body and responses (with the
 * problem codes each status carries).
 */
export function renderDocsPage(document: Json): string {
  const info = document.info as { title: string; version: string; description: string };
  const paths = document.paths as Record<string, Record<string, Json>>;
  const operations = Object.entries(paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => renderOperation(method, path, op)),
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(info.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
h2{margin-top:2.5rem;font-size:1.05rem;font-family:ui-monospace,monospace}
.m{display:inline-block;min-width:4.5rem;font-weight:700}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
pre{background:#f6f8fa;padding:.6rem;overflow:auto;font-size:13px}code{font-family:ui-monospace,monospace}
</style></head><body>
<h1>${escape(info.title)} <small>v${escape(info.version)}</small></h1>
<p>${escape(info.description)}</p>
<p>Machine-readable: <a href="/openapi.json"><code>/openapi.json</code></a> (OpenAPI 3.1).</p>
${operations.join('\n')}
</body></html>`;
}

function renderOperation(method: string, path: string, op: Json): string {
  const parameters = (op.parameters ?? []) as Json[];
  const body = (op.requestBody as { content?: Record<string, { schema: unknown }> } | undefined)?.content?.[
    'application/json'
  ]?.schema;
  const responses = Object.entries(op.responses as Record<string, Json>);
  return `<section><h2 id="${escape(op.operationId)}"><span class="m">${escape(method.toUpperCase())}</span>${escape(path)}</h2>
<p>${escape(op.summary)}${op.description ? ` ${escape(op.description)}` : ''}${
    (op.security as unknown[] | undefined)?.length ? ' <em>Bearer token.</em>' : ''
  }</p>
${
  parameters.length
    ? `<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th></tr>${parameters
        .map(
          (p) =>
            `<tr><td><code>${escape(p.name)}</code></td><td>${escape(p.in)}</td><td>${p.required ? 'yes' : 'no'}</td><td><code>${escape(JSON.stringify(p.schema))}</code></td></tr>`,
        )
        .join('')}</table>`
    : ''
}
${body ? `<p>Request body (application/json):</p>${pretty(body)}` : ''}
<table><tr><th>status</th><th>meaning</th></tr>${responses
    .map(([status, r]) => `<tr><td>${escape(status)}</td><td>${escape(r.description)}</td></tr>`)
    .join('')}</table></section>`;
}
