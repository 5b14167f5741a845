// Terraform: Lambda and Cloud Functions resources.
#include "sqla/deployment/format.h"

#include "core/text.h"
#include "sqla/deployment/helpers.h"

namespace sqla::deploy {
namespace {

using core::basename;
using core::dirname;
using core::lower;

bool is_terraform(std::string_view name, std::string_view) { return name.ends_with(".tf"); }

/// Terraform: `resource "aws_lambda_function" "x"`. An infra/ or terraform/ directory describes the
/// project beside it, so the evidence covers the parent directory.
void read_terraform(const core::SourceFile& source, DeploymentFacts& out, std::vector<core::Finding>&) {
  std::string scope = dirname(source.path());
  const std::string leaf = lower(basename(scope));
  if (leaf == "terraform" || leaf == "infra" || leaf == "infrastructure" || leaf == "deploy" || leaf == "iac") {
    scope = dirname(scope);
  }
  for (uint32_t line = 1; line <= source.line_count(); ++line) {
    const std::string t = trim(source.line_text(line));
    if (!t.starts_with("resource")) continue;
    for (const char* type : {"\"aws_lambda_function\"", "\"google_cloudfunctions_function\"", "\"google_cloudfunctions2_function\""}) {
      if (t.find(type) == std::string::npos) continue;
      const bool aws = std::string_view(type) == "\"aws_lambda_function\"";
      out.serverless.push_back(Evidence{"Terraform declares a " + std::string(type).substr(1, std::string(type).size() - 2) +
                                            " resource",
                                        line_location(source.path(), line, source.line_text(line)),
                                        aws ? "AWS Lambda" : "Google Cloud Functions", scope});
    }
  }
}

}  // namespace

extern const DeploymentFormat kTerraform{"Terraform", Describes::kSurroundings,
    is_terraform, nullptr, nullptr, read_terraform};

}  // namespace sqla::deploy
