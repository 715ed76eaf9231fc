#pragma once
// The report page's inline assets, so a report needs no files at run time. They are real files
// (reports/assets/report.css, report_core.js, report_sections.js) that the build embeds
// byte for byte (cmake/embed_assets.cmake); edit those, not generated code.

#include <string>
#include <string_view>

namespace mtbench::reports {

// A sober, print-friendly look (it ends up on slides): assets/report.css.
std::string_view report_css();
// Helpers (DOM/SVG builders, line and bar charts, heatmaps, word diff) followed by the
// section renderers; one <script> body.
std::string report_js();

// The three parts of report_js(): assets/report_core.js (error capture, DOM/SVG builders,
// colours, chart primitives, word diff), assets/explain_view.js (one sentence's explanation:
// rule trace, phrases, alignment, attention head view, positional encodings; `mtbench serve`
// draws with it too) and assets/report_sections.js (the section renderers).
std::string_view report_js_core();
std::string_view report_js_explain();
std::string_view report_js_sections();

}  // namespace mtbench::reports
