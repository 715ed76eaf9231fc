#pragma once
// The report page's inline assets, kept as C++ raw string literals so the report needs no
// files at run time: the stylesheet, the shared script (error capture, SVG chart helpers) and
// the section renderers.

#include <string>
#include <string_view>

namespace mtbench::reports {

std::string_view report_css();
// Helpers (DOM/SVG builders, line and bar charts, heatmaps, word diff) followed by the
// section renderers; one <script> body.
std::string report_js();

// The two parts of report_js() (html_script_core.cc, html_script_sections.cc).
std::string_view report_js_core();
std::string_view report_js_sections();

}  // namespace mtbench::reports
