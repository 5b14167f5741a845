#pragma once
// The tree-sitter-python node kinds and field names this project uses, resolved once per process.
#include <tree_sitter/api.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ts/tree.h"

extern "C" const TSLanguage* tree_sitter_python(void);

namespace py {

enum class Kind : uint8_t {
  kOther,
  kModule, kBlock, kComment,
  kExpressionStatement, kAssignment, kAugmentedAssignment, kDeleteStatement,
  kReturnStatement, kRaiseStatement, kPassStatement, kGlobalStatement,
  kIfStatement, kElifClause, kElseClause, kForStatement, kWhileStatement,
  kTryStatement, kExceptClause, kFinallyClause, kWithStatement, kWithClause, kWithItem,
  kFunctionDefinition, kClassDefinition, kDecoratedDefinition, kDecorator,
  kImportStatement, kImportFromStatement, kFutureImportStatement, kAliasedImport, kDottedName,
  kRelativeImport, kImportPrefix, kWildcardImport,
  kCall, kArgumentList, kKeywordArgument, kListSplat, kDictionarySplat, kParenthesizedExpression,
  kAttribute, kSubscript, kIdentifier, kString, kConcatenatedString, kStringStart, kStringContent,
  kStringEnd, kEscapeSequence, kInterpolation, kInteger, kFloat, kTrue, kFalse, kNone,
  kDictionary, kPair, kList, kTuple, kSet, kExpressionList, kPatternList, kTuplePattern, kListPattern,
  kConditionalExpression, kBooleanOperator, kNotOperator, kComparisonOperator, kUnaryOperator,
  kBinaryOperator, kAwait, kYield, kLambda, kNamedExpression,
  kParameters, kDefaultParameter, kTypedParameter, kTypedDefaultParameter, kListSplatPattern,
  kDictionarySplatPattern, kKeywordSeparator, kPositionalSeparator,
  kAs, kAsync,
  kCount
};

enum class Field : uint8_t {
  kName, kValue, kLeft, kRight, kFunction, kArguments, kObject, kAttribute, kKey, kCondition,
  kConsequence, kAlternative, kBody, kModuleName, kAlias, kDefinition, kParameters, kSubscript,
  kType, kOperator, kSuperclasses, kArgument,
  kCount
};

/// Symbol and field tables of the Python grammar.
class Grammar {
 public:
  /// The process-wide grammar (built on first use; thread-safe).
  static const Grammar& get();
  Kind kind(ts::Node node) const {
    const TSSymbol s = node.symbol();
    return s < kinds_.size() ? kinds_[s] : Kind::kOther;
  }
  TSFieldId field(Field f) const { return fields_[static_cast<size_t>(f)]; }
  const TSLanguage* language() const { return language_; }
  /// Names of kinds or fields the code uses that the grammar does not have (empty when all resolve).
  const std::vector<std::string>& missing() const { return missing_; }

 private:
  Grammar();
  const TSLanguage* language_;
  std::vector<Kind> kinds_;
  TSFieldId fields_[static_cast<size_t>(Field::kCount)] = {};
  std::vector<std::string> missing_;
};

/// Shorthands over the process grammar.
inline Kind kind_of(ts::Node node) { return Grammar::get().kind(node); }
inline ts::Node field(ts::Node node, Field f) { return node.field(Grammar::get().field(f)); }

}  // namespace py
