#pragma once
// The page of `mtbench serve`: a static HTML shell whose script (assets/serve.js) asks the API
// and draws with the report's own views (reports/assets/explain_view.js): one set of views.
// The CSS and script are real files embedded at build time, served under /assets/.

#include <string>
#include <string_view>

namespace mtbench::serve {

// The page; `title` is escaped.
std::string serve_page_html(const std::string& title);
// serve/assets/serve.css and serve/assets/serve.js, byte for byte.
std::string_view serve_css();
std::string_view serve_js();

}  // namespace mtbench::serve
