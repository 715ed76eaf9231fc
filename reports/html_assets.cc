#include "reports/html_assets.h"

namespace mtbench::reports {

std::string report_js() {
  std::string js(report_js_core());
  js += report_js_explain();
  js += report_js_sections();
  return js;
}

}  // namespace mtbench::reports
