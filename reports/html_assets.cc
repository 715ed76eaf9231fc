#include "reports/html_assets.h"

namespace mtbench::reports {

// A sober, print-friendly look (it ends up on slides): system font stack, one accent colour,
// cards on a light grey page, tabular figures in tables.
std::string_view report_css() {
  return R"CSS(
:root { --fg:#1f2933; --muted:#616e7c; --line:#d9e2ec; --bg:#f4f6f8; --card:#fff; --accent:#1f5fa8;
  --good:#2f855a; --good-bg:#e3f4ea; --bad:#c53030; --bad-bg:#fde8e8; --neutral-bg:#f0f2f5; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 -apple-system, "Segoe UI", "Helvetica Neue", Arial, "DejaVu Sans", sans-serif;
  color:var(--fg); background:var(--bg); }
header.top { display:flex; justify-content:space-between; align-items:flex-end; gap:16px; padding:18px 32px 12px;
  background:#102a43; color:#fff; }
header.top h1 { margin:0; font-size:22px; font-weight:600; letter-spacing:.2px; }
header.top .meta { color:#bcccdc; font-size:12.5px; margin-top:4px; }
header.top select { font-size:13px; padding:3px 6px; }
header.top label { color:#d9e2ec; font-size:12.5px; }
nav.toc { position:sticky; top:0; z-index:5; display:flex; flex-wrap:wrap; gap:2px 14px; padding:7px 32px;
  background:#fff; border-bottom:1px solid var(--line); font-size:12.5px; }
nav.toc a { color:var(--accent); text-decoration:none; }
nav.toc a:hover { text-decoration:underline; }
main { max-width:1240px; margin:0 auto; padding:16px 24px 40px; }
section.card { background:var(--card); border:1px solid var(--line); border-radius:6px; padding:14px 20px 18px;
  margin:16px 0; scroll-margin-top:44px; }
section.card h2 { margin:0 0 10px; font-size:17px; font-weight:600; color:#102a43; }
h3 { font-size:14px; margin:14px 0 6px; color:#243b53; }
.muted { color:var(--muted); }
.small { font-size:12px; }
table { border-collapse:collapse; font-variant-numeric:tabular-nums; }
table.data th, table.data td { padding:4px 10px; border-bottom:1px solid var(--line); text-align:right; white-space:nowrap; }
table.data th { font-weight:600; color:#334e68; border-bottom:2px solid #9fb3c8; background:#f8fafc; }
table.data td:first-child, table.data th:first-child { text-align:left; }
table.data td.best { font-weight:700; }
table.data.text td, table.data.text th { text-align:left; }
table.data td .ci { color:var(--muted); font-size:12px; }
.sig td.good { background:var(--good-bg); color:var(--good); }
.sig td.bad { background:var(--bad-bg); color:var(--bad); }
.sig td.neutral { background:var(--neutral-bg); color:var(--muted); }
.sig td.diag { background:#e4e7eb; }
.sig td { text-align:center !important; font-size:12.5px; }
.sig td span { display:block; font-size:11px; opacity:.85; }
code.sig { font-size:11.5px; color:#486581; word-break:break-all; }
.swatch { display:inline-block; width:10px; height:10px; border-radius:2px; margin-right:5px; vertical-align:middle; }
.row { display:flex; flex-wrap:wrap; gap:18px; align-items:flex-start; }
.controls-line { display:flex; flex-wrap:wrap; align-items:center; gap:8px 14px; margin:6px 0 10px; font-size:13px; }
input[type=search], input[type=number], select { font:inherit; font-size:13px; padding:3px 6px; border:1px solid #bcccdc; border-radius:4px; }
input[type=search] { width:280px; }
button { font:inherit; font-size:12.5px; padding:3px 10px; border:1px solid #9fb3c8; background:#fff; border-radius:4px; cursor:pointer; }
button:disabled { opacity:.45; cursor:default; }
button.on { background:#1f5fa8; color:#fff; border-color:#1f5fa8; }
svg text { font-family:inherit; fill:#334e68; }
svg .axis line, svg .axis path { stroke:#9fb3c8; }
svg .grid line { stroke:#eef2f7; }
.sentence { border:1px solid var(--line); border-radius:5px; margin:8px 0; padding:8px 12px; }
.sentence .head { display:flex; justify-content:space-between; color:var(--muted); font-size:12px; margin-bottom:4px; }
.sentence .line { display:grid; grid-template-columns:150px 1fr 210px; gap:10px; padding:2px 0; }
.sentence .line .who { color:var(--muted); font-size:12.5px; overflow:hidden; text-overflow:ellipsis; white-space:nowrap; }
.sentence .line .scores { text-align:right; font-size:12px; color:var(--muted); font-variant-numeric:tabular-nums; }
.sentence .ref { color:#243b53; font-weight:500; }
.sentence .src { color:#486581; font-style:italic; }
.w-miss { background:#fde2e1; border-radius:2px; }
.w-hit { }
.pager { display:flex; gap:6px; align-items:center; font-size:13px; }
.explain-grid { display:grid; grid-template-columns:minmax(0,1fr); gap:10px; }
.rule { font-size:12.5px; padding:2px 0; border-bottom:1px dotted var(--line); }
.rule b { color:#243b53; }
.phrases { display:flex; flex-wrap:wrap; gap:6px; }
.phrase { border:1px solid var(--line); border-radius:4px; padding:3px 7px; font-size:12.5px; background:#f8fafc; }
.phrase .s { color:#486581; display:block; font-size:11.5px; }
.phrase .n { color:var(--muted); font-size:10.5px; }
.tokens-head { font-size:12px; cursor:default; }
.headview text.tok { font-size:12px; cursor:pointer; }
.legend-item { display:inline-flex; align-items:center; margin-right:12px; font-size:12.5px; }
.ngram-tables { display:flex; flex-wrap:wrap; gap:24px; }
.badge { display:inline-block; font-size:11px; padding:1px 6px; border-radius:9px; background:#e6f0fa; color:#1f5fa8; margin-left:6px; }
#js-errors { margin:12px 32px; padding:10px; background:var(--bad-bg); color:var(--bad); white-space:pre-wrap; }
footer { text-align:center; color:var(--muted); font-size:12px; padding:20px; }
@media print { nav.toc { display:none; } section.card { break-inside:avoid; } }
)CSS";
}

std::string report_js() {
  std::string js(report_js_core());
  js += report_js_sections();
  return js;
}

}  // namespace mtbench::reports
