#include "serve/page.h"

#include "reports/html_report.h"

namespace mtbench::serve {

std::string serve_page_html(const std::string& title) {
  const std::string t = reports::html_escape(title);
  // No inline script or style: the Content-Security-Policy allows only files from this server.
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<title>" +
         t +
         "</title>\n<link rel=\"icon\" href=\"data:,\">\n"
         "<link rel=\"stylesheet\" href=\"/assets/report.css\">\n<link rel=\"stylesheet\" href=\"/assets/serve.css\">\n"
         "</head>\n<body>\n"
         "<header class=\"top\"><div class=\"brand\"><h1>" +
         t +
         "</h1>"
         "<div class=\"meta\" id=\"run-meta\">Type a sentence; every era translates it.</div></div>"
         "<div class=\"controls\" id=\"links\"></div></header>\n"
         "<pre id=\"js-errors\" hidden></pre>\n<main>\n"
         "<section id=\"input\" class=\"card\"><h2>Your sentence</h2><div class=\"body\">\n"
         "<form id=\"translate-form\" autocomplete=\"off\">\n"
         "<label for=\"text\" class=\"small muted\">Source sentence</label>\n"
         "<textarea id=\"text\" name=\"text\" rows=\"2\" maxlength=\"2000\" spellcheck=\"false\">"
         "Ein kleines M\u00e4dchen klettert auf einen Baum.</textarea>\n"
         "<div class=\"controls-line\"><span id=\"system-choices\"></span>"
         "<label><input type=\"checkbox\" id=\"explain\" checked> explanations</label>"
         "<label>beam <input type=\"number\" id=\"beam\" min=\"1\" max=\"16\" placeholder=\"default\"></label>"
         "<button type=\"submit\" id=\"translate\">Translate</button>"
         "<span id=\"status\" class=\"small muted\" role=\"status\" aria-live=\"polite\"></span></div>\n"
         "</form></div></section>\n"
         "<section id=\"outputs\" class=\"card\"><h2>Four eras, one sentence</h2>"
         "<div class=\"body\" id=\"outputs-body\"><p class=\"muted\">Loading the systems\u2026</p></div></section>\n"
         "<section id=\"explanations\" class=\"card\"><h2>Inside the systems</h2>"
         "<div class=\"body\" id=\"explanations-body\"><p class=\"muted\">Translate a sentence with "
         "explanations on to see the rule trace, phrases, attention and positional encodings.</p></div></section>\n"
         "</main>\n<footer>mtbench serve \u00b7 local models, nothing leaves this machine.</footer>\n"
         "<script src=\"/assets/report_core.js\"></script>\n<script src=\"/assets/explain_view.js\"></script>\n"
         "<script src=\"/assets/serve.js\"></script>\n</body>\n</html>\n";
}

}  // namespace mtbench::serve
