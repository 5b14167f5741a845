#include "py/grammar.h"

#include <cstring>
#include <string_view>
#include <utility>

namespace py {
namespace {

constexpr std::pair<std::string_view, Kind> kKindNames[] = {
    {"module", Kind::kModule}, {"block", Kind::kBlock}, {"comment", Kind::kComment},
    {"expression_statement", Kind::kExpressionStatement}, {"assignment", Kind::kAssignment},
    {"augmented_assignment", Kind::kAugmentedAssignment}, {"delete_statement", Kind::kDeleteStatement},
    {"return_statement", Kind::kReturnStatement}, {"raise_statement", Kind::kRaiseStatement},
    {"pass_statement", Kind::kPassStatement}, {"global_statement", Kind::kGlobalStatement},
    {"if_statement", Kind::kIfStatement}, {"elif_clause", Kind::kElifClause},
    {"else_clause", Kind::kElseClause}, {"for_statement", Kind::kForStatement},
    {"while_statement", Kind::kWhileStatement}, {"try_statement", Kind::kTryStatement},
    {"except_clause", Kind::kExceptClause}, {"finally_clause", Kind::kFinallyClause},
    {"with_statement", Kind::kWithStatement}, {"with_clause", Kind::kWithClause},
    {"with_item", Kind::kWithItem}, {"function_definition", Kind::kFunctionDefinition},
    {"class_definition", Kind::kClassDefinition}, {"decorated_definition", Kind::kDecoratedDefinition},
    {"decorator", Kind::kDecorator}, {"import_statement", Kind::kImportStatement},
    {"import_from_statement", Kind::kImportFromStatement},
    {"future_import_statement", Kind::kFutureImportStatement},
    {"aliased_import", Kind::kAliasedImport}, {"dotted_name", Kind::kDottedName},
    {"relative_import", Kind::kRelativeImport}, {"import_prefix", Kind::kImportPrefix},
    {"wildcard_import", Kind::kWildcardImport}, {"call", Kind::kCall},
    {"argument_list", Kind::kArgumentList}, {"keyword_argument", Kind::kKeywordArgument},
    {"list_splat", Kind::kListSplat}, {"dictionary_splat", Kind::kDictionarySplat},
    {"parenthesized_expression", Kind::kParenthesizedExpression}, {"attribute", Kind::kAttribute},
    {"subscript", Kind::kSubscript}, {"identifier", Kind::kIdentifier}, {"string", Kind::kString},
    {"concatenated_string", Kind::kConcatenatedString}, {"string_start", Kind::kStringStart},
    {"string_content", Kind::kStringContent}, {"string_end", Kind::kStringEnd},
    {"escape_sequence", Kind::kEscapeSequence}, {"interpolation", Kind::kInterpolation},
    {"integer", Kind::kInteger}, {"float", Kind::kFloat}, {"true", Kind::kTrue},
    {"false", Kind::kFalse}, {"none", Kind::kNone}, {"dictionary", Kind::kDictionary},
    {"pair", Kind::kPair}, {"list", Kind::kList}, {"tuple", Kind::kTuple}, {"set", Kind::kSet},
    {"expression_list", Kind::kExpressionList}, {"pattern_list", Kind::kPatternList},
    {"tuple_pattern", Kind::kTuplePattern}, {"list_pattern", Kind::kListPattern},
    {"conditional_expression", Kind::kConditionalExpression},
    {"boolean_operator", Kind::kBooleanOperator}, {"not_operator", Kind::kNotOperator},
    {"comparison_operator", Kind::kComparisonOperator}, {"unary_operator", Kind::kUnaryOperator},
    {"binary_operator", Kind::kBinaryOperator}, {"await", Kind::kAwait}, {"yield", Kind::kYield},
    {"lambda", Kind::kLambda}, {"named_expression", Kind::kNamedExpression},
    {"parameters", Kind::kParameters}, {"default_parameter", Kind::kDefaultParameter},
    {"typed_parameter", Kind::kTypedParameter},
    {"typed_default_parameter", Kind::kTypedDefaultParameter},
    {"list_splat_pattern", Kind::kListSplatPattern},
    {"dictionary_splat_pattern", Kind::kDictionarySplatPattern},
    {"keyword_separator", Kind::kKeywordSeparator},
    {"positional_separator", Kind::kPositionalSeparator},
};

// Anonymous tokens we look for by kind ("as" in with items, "async" before def / with / for).
constexpr std::pair<std::string_view, Kind> kTokenNames[] = {{"as", Kind::kAs}, {"async", Kind::kAsync}};

constexpr std::string_view kFieldNames[] = {
    "name", "value", "left", "right", "function", "arguments", "object", "attribute", "key",
    "condition", "consequence", "alternative", "body", "module_name", "alias", "definition",
    "parameters", "subscript", "type", "operator", "superclasses", "argument"};
static_assert(std::size(kFieldNames) == static_cast<size_t>(Field::kCount));

}  // namespace

const Grammar& Grammar::get() {
  static const Grammar grammar;
  return grammar;
}

Grammar::Grammar() : language_(tree_sitter_python()) {
  const uint32_t count = ts_language_symbol_count(language_);
  kinds_.assign(count, Kind::kOther);
  std::vector<bool> seen(static_cast<size_t>(Kind::kCount), false);
  for (uint32_t s = 0; s < count; ++s) {
    const auto symbol = static_cast<TSSymbol>(s);
    const char* name = ts_language_symbol_name(language_, symbol);
    if (name == nullptr) continue;
    const bool named = ts_language_symbol_type(language_, symbol) == TSSymbolTypeRegular;
    // Several symbol ids can share a name (aliases); map every one of them.
    for (const auto& [kind_name, kind] : kKindNames) {
      if (named && kind_name == name) {
        kinds_[s] = kind;
        seen[static_cast<size_t>(kind)] = true;
      }
    }
    for (const auto& [token, kind] : kTokenNames) {
      if (!named && token == name) {
        kinds_[s] = kind;
        seen[static_cast<size_t>(kind)] = true;
      }
    }
  }
  for (const auto& [kind_name, kind] : kKindNames) {
    if (!seen[static_cast<size_t>(kind)]) missing_.emplace_back(kind_name);
  }
  for (const auto& [token, kind] : kTokenNames) {
    if (!seen[static_cast<size_t>(kind)]) missing_.emplace_back(token);
  }
  for (size_t f = 0; f < std::size(kFieldNames); ++f) {
    const std::string_view name = kFieldNames[f];
    fields_[f] = ts_language_field_id_for_name(language_, name.data(),
                                               static_cast<uint32_t>(name.size()));
    if (fields_[f] == 0) missing_.emplace_back("field " + std::string(name));
  }
}

}  // namespace py
